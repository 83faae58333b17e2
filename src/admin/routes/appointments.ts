import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { RefusalReason } from '../../booking/booking-service.ts';
import { cancelAppointment, findAppointment, listAppointments, type AppointmentRow } from '../../db/queries/appointments.ts';
import { normaliseName } from '../../scheduling/names.ts';
import { toE164 } from '../../scheduling/phone.ts';
import type { Slot } from '../../scheduling/types.ts';
import type { TenantContext } from '../../tenants/directory.ts';
import { asTenant, principal } from '../auth.ts';
import { ApiError, notFound } from '../errors.ts';
import type { AdminDeps } from '../plugin.ts';
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
  patient: z.object({ id: z.uuid(), name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable() }).nullable(),
  sourceCallId: z.string().nullable().describe('The Vapi call that booked it; null when staff booked it'),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
});

const SlotOut = z.object({ start: z.string(), providerId: z.uuid() });

const BookBody = z.strictObject({
  serviceId: Uuid,
  providerId: Uuid.optional().describe('Leave out to take the first provider free at that time'),
  start: z.iso.datetime({ offset: true }).describe('ISO 8601 with an offset, e.g. 2026-12-03T10:00:00-05:00'),
  patient: z.strictObject({ name: z.string().trim().min(1).max(200), phone: z.string().trim().min(3).max(40), email: z.email().optional() }),
});

/** Opaque page cursor: the last row's start and id. */
const encodeCursor = (r: AppointmentRow) => Buffer.from(JSON.stringify([r.startsAt.toISOString(), r.id])).toString('base64url');
function decodeCursor(cursor: string): { startsAt: Date; id: string } {
  try {
    const [s, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const startsAt = new Date(s);
    if (Number.isNaN(startsAt.getTime()) || !Uuid.safeParse(id).success) throw new Error('bad cursor');
    return { startsAt, id };
  } catch {
    throw new ApiError(400, 'The cursor is not one this API gave out; start again without it.');
  }
}

/** Appointments: list, look up, cancel, and book as staff through the same claim path as the phone. */
export const appointmentRoutes: FastifyPluginAsyncZod<AdminDeps> = async (app, deps) => {
  const clinic = async (slug: string): Promise<TenantContext> => {
    const ctx = await deps.tenants.get(slug);
    if (!ctx) throw notFound('The clinic');
    return ctx;
  };
  const local = (d: Date | null, zone: string) => (d ? DateTime.fromJSDate(d, { zone }).toISO({ suppressMilliseconds: true }) : null);
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
    patient: a.patientId ? { id: a.patientId, name: a.patientName, phone: a.patientPhone, email: a.patientEmail } : null,
    sourceCallId: a.sourceCallId,
    createdAt: a.createdAt.toISOString(),
    confirmedAt: a.confirmedAt?.toISOString() ?? null,
    cancelledAt: a.cancelledAt?.toISOString() ?? null,
  });

  app.get('/appointments', {
    schema: {
      tags, security,
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
  }, async (request) => {
    const { cursor, limit, ...filter } = request.query;
    const ctx = await clinic(principal(request).slug);
    const rows = await asTenant(deps.sql, request, (tx) =>
      listAppointments(tx, principal(request).tenantId, { ...filter, after: cursor ? decodeCursor(cursor) : undefined, limit: limit + 1 }),
    );
    const page = rows.slice(0, limit);
    return { items: page.map((a) => present(a, ctx.tenant.timeZone)), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
  });

  app.get('/appointments/:id', {
    schema: { tags, security, summary: 'One appointment', params: IdParams, response: { 200: AppointmentOut, ...errors } },
  }, async (request) => {
    const ctx = await clinic(principal(request).slug);
    const a = await asTenant(deps.sql, request, (tx) => findAppointment(tx, principal(request).tenantId, request.params.id));
    if (!a) throw notFound('The appointment');
    return present(a, ctx.tenant.timeZone);
  });

  app.post('/appointments/:id/cancel', {
    schema: { tags, security, summary: 'Cancel a held or confirmed appointment; the slot is free again', params: IdParams, response: { 200: AppointmentOut, ...errors } },
  }, async (request) => {
    const ctx = await clinic(principal(request).slug);
    const a = await asTenant(deps.sql, request, async (tx) => {
      const tid = principal(request).tenantId;
      const cancelled = await cancelAppointment(tx, tid, request.params.id);
      const row = await findAppointment(tx, tid, request.params.id);
      if (!row) throw notFound('The appointment');
      if (!cancelled) throw new ApiError(409, `Only a held or confirmed appointment can be cancelled; this one is ${row.status}.`);
      return row;
    });
    deps.changes.bookingChanged({ tenantId: principal(request).tenantId, providerId: a.providerId, startsAt: a.startsAt, endsAt: a.endsAt });
    request.log.info({ appointmentId: a.id }, 'appointment cancelled by staff');
    return present(a, ctx.tenant.timeZone);
  });

  app.post('/appointments', {
    schema: {
      tags, security,
      summary: 'Book as staff, through the same claim path as the phone (hours, notice, horizon, no overlap)',
      body: BookBody,
      response: {
        201: AppointmentOut,
        409: errors[409].extend({ alternatives: z.array(SlotOut).optional() }),
        422: errors[400].extend({ reason: z.string(), alternatives: z.array(SlotOut) }),
        ...Object.fromEntries(Object.entries(errors).filter(([k]) => k !== '409')),
      },
    },
  }, async (request, reply) => {
    const ctx = await clinic(principal(request).slug);
    const zone = ctx.tenant.timeZone;
    const b = request.body;
    const service = ctx.catalog.services.find((s) => s.id === b.serviceId);
    if (!service) throw notFound('The service');
    if (b.providerId && !ctx.catalog.providers.some((p) => p.id === b.providerId)) throw notFound('The provider');
    if (b.providerId && !service.providerIds.includes(b.providerId)) throw new ApiError(409, `That provider does not offer ${service.name}.`);
    const name = normaliseName(b.patient.name);
    if (!name.ok) throw new ApiError(400, name.say);
    const phone = toE164(b.patient.phone, ctx.tenant.country);
    if (!phone.ok) throw new ApiError(400, phone.say);

    const outcome = await deps.booking.claim(ctx, {
      service,
      providerIds: b.providerId ? [b.providerId] : service.providerIds,
      start: Date.parse(b.start),
      status: 'confirmed',
      callId: null,
      patient: { phone: phone.e164, name: name.name, email: b.patient.email ?? null },
    });
    const alternatives = (slots: Slot[]) => slots.map((s) => ({ start: local(new Date(s.start), zone)!, providerId: s.providerId }));
    if (outcome.kind === 'unavailable') {
      return reply.code(409).send({ error: 'That time is already taken.', alternatives: alternatives(outcome.alternatives) });
    }
    if (outcome.kind === 'refused') {
      return reply.code(422).send({ error: REFUSALS[outcome.reason], reason: outcome.reason, alternatives: alternatives(outcome.alternatives) });
    }
    const a = await asTenant(deps.sql, request, (tx) => findAppointment(tx, ctx.tenant.id, outcome.booking.bookingId));
    request.log.info({ appointmentId: outcome.booking.bookingId }, 'appointment booked by staff');
    return reply.code(201).send(present(a!, zone));
  });
};

const REFUSALS: Record<RefusalReason, string> = {
  past: 'That time has already passed.',
  too_soon: 'That is sooner than the clinic’s minimum notice.',
  too_far: 'That is further ahead than the clinic books.',
  closed: 'Nobody offering this service works at that time.',
};
