import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  listOffers,
  listWaitlist,
  type OfferRow,
  removeWaitlistEntry,
  type WaitlistEntryRow,
} from '../../db/queries/waitlist.ts';
import { normaliseName } from '../../patients/names.ts';
import { toE164 } from '../../patients/phone.ts';
import { asTenant, principal } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { E164, errors, IdParams, Limit, LocalDate, Uuid } from '../schemas.ts';

const security = [{ apiKey: [] }];
const tags = ['waitlist'];
const TIMES_OF_DAY = ['morning', 'afternoon', 'evening'] as const;

const EntryOut = z.object({
  id: z.uuid(),
  phone: z.string(),
  patientName: z.string().nullable(),
  serviceId: z.uuid(),
  providerId: z.uuid().nullable().describe('null: any provider who offers the service'),
  fromDate: z.string(),
  toDate: z.string(),
  timeOfDay: z.enum(TIMES_OF_DAY).nullable(),
  status: z.enum(['waiting', 'booked', 'removed']),
  source: z.enum(['call', 'staff']),
  appointmentId: z.uuid().nullable().describe('The appointment booked from an offer'),
  createdAt: z.string(),
});
const entryOut = (e: WaitlistEntryRow): z.infer<typeof EntryOut> => ({
  id: e.id,
  phone: e.phoneE164,
  patientName: e.patientName,
  serviceId: e.serviceId,
  providerId: e.providerId,
  fromDate: e.fromDate,
  toDate: e.toDate,
  timeOfDay: e.timeOfDay,
  status: e.status,
  source: e.source,
  appointmentId: e.bookingId,
  createdAt: e.createdAt.toISOString(),
});

const OfferOut = z.object({
  id: z.uuid(),
  entryId: z.uuid(),
  phone: z.string(),
  appointmentId: z.uuid().describe('The held slot (GET /appointments/{id})'),
  providerId: z.uuid(),
  start: z.string(),
  expiresAt: z.string(),
  status: z.enum(['open', 'accepted', 'declined', 'expired', 'lost']),
});
const offerOut = (o: OfferRow): z.infer<typeof OfferOut> => ({
  id: o.id,
  entryId: o.entryId,
  phone: o.phoneE164,
  appointmentId: o.bookingId,
  providerId: o.providerId,
  start: o.startsAt.toISOString(),
  expiresAt: o.expiresAt.toISOString(),
  status: o.status,
});

/** The waitlist: who waits for which time, and the offers texted when time freed up. */
export const waitlistRoutes: FastifyPluginAsyncZod<AdminDeps> = async (app, deps) => {
  app.get(
    '/waitlist',
    {
      schema: {
        tags,
        security,
        summary: 'Waitlist entries, first come first served',
        querystring: z.object({ status: z.enum(['waiting', 'booked', 'removed']).optional(), limit: Limit }),
        response: { 200: z.object({ items: z.array(EntryOut) }), ...errors },
      },
    },
    async (request) => {
      const rows = await asTenant(deps.sql, request, (tx) =>
        listWaitlist(tx, principal(request).tenantId, request.query),
      );
      return { items: rows.map(entryOut) };
    },
  );

  app.post(
    '/waitlist',
    {
      schema: {
        tags,
        security,
        summary: 'Add a patient to the waitlist; freed time that suits them is texted to them as an offer',
        body: z
          .strictObject({
            phone: z.string().min(3).max(40).describe('E.164, or as written in the clinic’s country'),
            patientName: z.string().trim().min(1).max(200).optional(),
            serviceId: Uuid,
            providerId: Uuid.optional(),
            fromDate: LocalDate.describe('First day, in the clinic’s zone'),
            toDate: LocalDate.describe('Last day (included)'),
            timeOfDay: z.enum(TIMES_OF_DAY).optional(),
          })
          .refine((b) => b.fromDate <= b.toDate, { path: ['toDate'], message: 'must not be before fromDate' }),
        response: { 201: EntryOut, ...errors },
      },
    },
    async (request, reply) => {
      const ctx = await deps.tenants.get(principal(request).slug);
      if (!ctx) throw notFound('The clinic');
      const b = request.body;
      const service = ctx.catalog.services.find((s) => s.id === b.serviceId);
      if (!service) throw notFound('The service');
      if (b.providerId && !service.providerIds.includes(b.providerId))
        throw new ApiError(409, `That provider does not offer ${service.name}.`);
      const phone = toE164(b.phone, ctx.tenant.country);
      if (!phone.ok) throw new ApiError(400, phone.say);
      const name = b.patientName ? normaliseName(b.patientName) : undefined;
      if (name && !name.ok) throw new ApiError(400, name.say);
      const entry = await deps.waitlist.join(ctx, {
        phone: phone.e164,
        patientName: name?.name ?? null,
        serviceId: service.id,
        providerId: b.providerId ?? null,
        fromDate: b.fromDate,
        toDate: b.toDate,
        timeOfDay: b.timeOfDay ?? null,
        source: 'staff',
        vapiCallId: null,
      });
      return reply.code(201).send(entryOut(entry));
    },
  );

  app.delete(
    '/waitlist/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Take a waiting patient off the list',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      const removed = await asTenant(deps.sql, request, (tx) =>
        removeWaitlistEntry(tx, principal(request).tenantId, request.params.id),
      );
      if (!removed) throw notFound('A waiting entry with that id');
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/waitlist/offers',
    {
      schema: {
        tags,
        security,
        summary:
          'Offers texted to waiting patients, newest first; an open one holds its slot until it is answered or lapses',
        querystring: z.object({
          status: z.enum(['open', 'accepted', 'declined', 'expired', 'lost']).optional(),
          phone: E164.optional(),
          limit: Limit,
        }),
        response: { 200: z.object({ items: z.array(OfferOut) }), ...errors },
      },
    },
    async (request) => {
      const rows = await asTenant(deps.sql, request, (tx) =>
        listOffers(tx, principal(request).tenantId, request.query),
      );
      return { items: rows.map(offerOut) };
    },
  );
};
