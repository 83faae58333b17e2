import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listOptOuts, listRescheduleRequests, optOut } from '../../db/queries/sms-replies.ts';
import { asTenant, principal } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import { E164, errors, Limit } from '../schemas.ts';

const security = [{ apiKey: [] }];

const OptOutOut = z.object({
  phone: z.string(),
  keyword: z.string().describe('What the patient texted (STOP, QUIT…), or what staff recorded'),
  source: z.enum(['sms', 'staff']),
  optedOutAt: z.string(),
});

/** Numbers that opted out of the clinic's texts, and the patients who asked by text to be called back to reschedule. */
export const smsRoutes: FastifyPluginAsyncZod<AdminDeps> = async (app, deps) => {
  app.get(
    '/sms/opt-outs',
    {
      schema: {
        tags: ['sms'],
        security,
        summary: 'Numbers that asked for no more texts (STOP and the like), newest first; nothing is texted to them',
        querystring: z.object({ phone: E164.optional(), limit: Limit }),
        response: { 200: z.object({ items: z.array(OptOutOut) }), ...errors },
      },
    },
    async (request) => {
      const rows = await asTenant(deps.sql, request, (tx) =>
        listOptOuts(tx, principal(request).tenantId, request.query),
      );
      return {
        items: rows.map((r) => ({
          phone: r.phoneE164,
          keyword: r.keyword,
          source: r.source,
          optedOutAt: r.optedOutAt.toISOString(),
        })),
      };
    },
  );

  app.post(
    '/sms/opt-outs',
    {
      schema: {
        tags: ['sms'],
        security,
        summary:
          'Record an opt-out a patient asked for another way (phone, desk); only the patient can undo it, by texting START',
        body: z.strictObject({ phone: E164 }),
        response: { 201: OptOutOut, ...errors },
      },
    },
    async (request, reply) => {
      const tenantId = principal(request).tenantId;
      const rows = await asTenant(deps.sql, request, async (tx) => {
        await optOut(tx, { tenantId, phone: request.body.phone, keyword: 'staff', source: 'staff' });
        return listOptOuts(tx, tenantId, { phone: request.body.phone, limit: 1 });
      });
      const r = rows[0]!;
      return reply
        .code(201)
        .send({ phone: r.phoneE164, keyword: r.keyword, source: r.source, optedOutAt: r.optedOutAt.toISOString() });
    },
  );

  app.get(
    '/sms/reschedule-requests',
    {
      schema: {
        tags: ['sms'],
        security,
        summary: 'Patients who replied R to a reminder: call them back to find a new time (newest first)',
        querystring: z.object({ limit: Limit }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.uuid(),
                patientId: z.uuid(),
                patientName: z.string().nullable(),
                phone: z.string(),
                appointmentId: z.uuid(),
                appointmentStart: z.string(),
                requestedAt: z.string(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const rows = await asTenant(deps.sql, request, (tx) =>
        listRescheduleRequests(tx, principal(request).tenantId, request.query.limit),
      );
      return {
        items: rows.map((r) => ({
          id: r.id,
          patientId: r.patientId,
          patientName: r.patientName,
          phone: r.phoneE164,
          appointmentId: r.bookingId,
          appointmentStart: r.appointmentStart.toISOString(),
          requestedAt: r.requestedAt.toISOString(),
        })),
      };
    },
  );
};
