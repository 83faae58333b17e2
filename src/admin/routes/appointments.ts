import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { ClaimAnswer } from '../../booking/booking-service.ts';
import { REFUSALS, type StaffAnswer, staffBook, staffCancel, staffMove } from '../../booking/staff-actions.ts';
import { type AppointmentRow, findAppointment, listAppointments } from '../../db/queries/appointments.ts';
import type { Slot } from '../../scheduling/types.ts';
import type { TenantContext } from '../../tenants/directory.ts';
import { asTenant, principal } from '../auth.ts';
import { decodeCursor, pageOf } from '../cursor.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { E164, errors, IdParams, Limit, LocalDate, Uuid } from '../schemas.ts';

const security = [{ apiKey: [] }];
const tags = ['appointments'];
const STATUSES = ['held', 'confirmed', 'cancelled', 'expired'] as const;

const AppointmentOut = z.object({
  id: z.uuid(),
  status: z.enum(STATUSES),
  start: z.string().describe('ISO 8601 with the clinic’s offset'),
  end: z.string(),
  expiresAt: z.string().nullable().describe('When a hold lapses'),
  providerId: z.uuid(),
  providerName: z.string(),
  serviceId: z.uuid(),
  serviceSlug: z.string(),
  patient: z
    .object({ id: z.uuid(), name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable() })
    .nullable(),
  sourceCallId: z.string().nullable().describe('The Vapi call that booked it; null when staff booked it'),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
});

const SlotOut = z.object({ start: z.string(), providerId: z.uuid() });
const ConflictBody = errors[409].extend({ alternatives: z.array(SlotOut).optional() });
const RefusedBody = errors[400].extend({ reason: z.string(), alternatives: z.array(SlotOut) });
const { 409: _conflict, ...errorsBut409 } = errors;

/** A claim that did not happen: 409 when the time is taken, 422 when it cannot be booked at all; both with alternatives. */
function refusal(reply: FastifyReply, outcome: Exclude<ClaimAnswer, { kind: 'claimed' }>, zone: string) {
  const alternatives = outcome.alternatives.map((s: Slot) => ({
    start: DateTime.fromMillis(s.start, { zone }).toISO({ suppressMilliseconds: true })!,
    providerId: s.providerId,
  }));
  if (outcome.kind === 'unavailable')
    return reply.code(409).send({ error: 'That time is already taken.', alternatives });
  return reply.code(422).send({ error: REFUSALS[outcome.reason], reason: outcome.reason, alternatives });
}

const BookBody = z.strictObject({
  serviceId: Uuid,
  providerId: Uuid.optional().describe('Leave out to take the first provider free at that time'),
  start: z.iso.datetime({ offset: true }).describe('ISO 8601 with an offset, e.g. 2026-12-03T10:00:00-05:00'),
  patient: z.strictObject({
    name: z.string().trim().min(1).max(200),
    phone: z.string().trim().min(3).max(40),
    email: z.email().optional(),
  }),
});

/** A staff answer that is done, or its refusal thrown as the API's error. */
function settled(answer: StaffAnswer): AppointmentRow {
  if (answer.kind === 'refused') throw new ApiError(answer.status, answer.say);
  if (answer.kind !== 'done') throw new Error('a claim that did not happen must be answered with its alternatives');
  return answer.appointment;
}

const toAfter = (c: { at: Date; id: string }) => ({ startsAt: c.at, id: c.id });

/** Appointments: list, look up, cancel, and book as staff through the same claim path as the phone. */
export const appointmentRoutes: FastifyPluginAsyncZod<AdminDeps> = async (app, deps) => {
  const clinic = async (slug: string): Promise<TenantContext> => {
    const ctx = await deps.tenants.get(slug);
    if (!ctx) throw notFound('The clinic');
    return ctx;
  };
  const local = (d: Date | null, zone: string) =>
    d ? DateTime.fromJSDate(d, { zone }).toISO({ suppressMilliseconds: true }) : null;
  const present = (a: AppointmentRow, zone: string): z.infer<typeof AppointmentOut> => ({
    id: a.id,
    status: a.status,
    start: local(a.startsAt, zone)!,
    end: local(a.endsAt, zone)!,
    expiresAt: local(a.expiresAt, zone),
    providerId: a.providerId,
    providerName: a.providerName,
    serviceId: a.serviceId,
    serviceSlug: a.serviceSlug,
    patient: a.patientId
      ? { id: a.patientId, name: a.patientName, phone: a.patientPhone, email: a.patientEmail }
      : null,
    sourceCallId: a.sourceCallId,
    createdAt: a.createdAt.toISOString(),
    confirmedAt: a.confirmedAt?.toISOString() ?? null,
    cancelledAt: a.cancelledAt?.toISOString() ?? null,
  });

  app.get(
    '/appointments',
    {
      schema: {
        tags,
        security,
        summary: 'Appointments by start time, filtered by day, provider, patient or status, a page at a time',
        querystring: z.object({
          date: LocalDate.optional().describe('A day in the clinic’s zone'),
          providerId: Uuid.optional(),
          patientId: Uuid.optional(),
          patientPhone: E164.optional(),
          status: z
            .string()
            .optional()
            .transform((s) => (s ? s.split(',').map((x) => x.trim()) : undefined))
            .pipe(z.array(z.enum(STATUSES)).optional())
            .describe('Comma-separated: held,confirmed,cancelled,expired'),
          limit: Limit,
          cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
        }),
        response: { 200: z.object({ items: z.array(AppointmentOut), nextCursor: z.string().nullable() }), ...errors },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const ctx = await clinic(principal(request).slug);
      const rows = await asTenant(deps.sql, request, (tx) =>
        listAppointments(tx, principal(request).tenantId, {
          ...filter,
          after: cursor ? toAfter(decodeCursor(cursor)) : undefined,
          limit: limit + 1,
        }),
      );
      const { page, nextCursor } = pageOf(rows, limit, (a) => ({ at: a.startsAt, id: a.id }));
      return { items: page.map((a) => present(a, ctx.tenant.timeZone)), nextCursor };
    },
  );

  app.get(
    '/appointments/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One appointment',
        params: IdParams,
        response: { 200: AppointmentOut, ...errors },
      },
    },
    async (request) => {
      const ctx = await clinic(principal(request).slug);
      const a = await asTenant(deps.sql, request, (tx) =>
        findAppointment(tx, principal(request).tenantId, request.params.id),
      );
      if (!a) throw notFound('The appointment');
      return present(a, ctx.tenant.timeZone);
    },
  );

  app.post(
    '/appointments/:id/cancel',
    {
      schema: {
        tags,
        security,
        summary: 'Cancel an upcoming appointment, or release a hold; the time is free again at once',
        params: IdParams,
        response: { 200: AppointmentOut, ...errors },
      },
    },
    async (request) => {
      const ctx = await clinic(principal(request).slug);
      const done = settled(await staffCancel(deps, ctx, request.params.id));
      request.log.info({ appointmentId: done.id }, 'appointment cancelled by staff');
      return present(done, ctx.tenant.timeZone);
    },
  );

  app.post(
    '/appointments/:id/reschedule',
    {
      schema: {
        tags,
        security,
        summary: 'Move an upcoming appointment: the new time is claimed before the old one is let go',
        params: IdParams,
        body: z.strictObject({
          start: BookBody.shape.start,
          providerId: Uuid.optional().describe('Leave out to keep any provider who offers the service'),
        }),
        response: { 200: AppointmentOut, 409: ConflictBody, 422: RefusedBody, ...errorsBut409 },
      },
    },
    async (request, reply) => {
      const ctx = await clinic(principal(request).slug);
      const { start, providerId } = request.body;
      const answer = await staffMove(deps, ctx, request.params.id, { start: Date.parse(start), providerId });
      if (answer.kind === 'not_claimed') return refusal(reply, answer.outcome, ctx.tenant.timeZone);
      const moved = settled(answer);
      request.log.info({ from: request.params.id, to: moved.id }, 'appointment moved by staff');
      return present(moved, ctx.tenant.timeZone);
    },
  );

  app.post(
    '/appointments',
    {
      schema: {
        tags,
        security,
        summary: 'Book as staff, through the same claim path as the phone (hours, notice, horizon, no overlap)',
        body: BookBody,
        response: { 201: AppointmentOut, 409: ConflictBody, 422: RefusedBody, ...errorsBut409 },
      },
    },
    async (request, reply) => {
      const ctx = await clinic(principal(request).slug);
      const b = request.body;
      const answer = await staffBook(deps, ctx, { ...b, start: Date.parse(b.start) });
      if (answer.kind === 'not_claimed') return refusal(reply, answer.outcome, ctx.tenant.timeZone);
      const a = settled(answer);
      request.log.info({ appointmentId: a.id }, 'appointment booked by staff');
      return reply.code(201).send(present(a, ctx.tenant.timeZone));
    },
  );
};
