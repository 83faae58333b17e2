import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type AdminLeadRow, findLead, listLeads } from '../../db/queries/leads-admin.ts';
import { asTenant, principal } from '../auth.ts';
import { decodeCursor, pageOf } from '../cursor.ts';
import type { AdminDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { E164, errors, IdParams, Limit, LocalDate, QueryFlag } from '../schemas.ts';

const security = [{ apiKey: [] }];
const tags = ['leads'];

const LeadOut = z.object({
  id: z.uuid(),
  callId: z.uuid().describe('The call it was scored from (GET /calls/{callId})'),
  vapiCallId: z.string(),
  callerNumber: z.string().nullable(),
  score: z.number().int().describe('0–100'),
  hot: z.boolean().describe('Score at or above the clinic’s hot-lead threshold when it was scored'),
  reasons: z.array(z.object({ points: z.number(), text: z.string() })).describe('Why, strongest first'),
  createdAt: z.string(),
});
const leadOut = (l: AdminLeadRow): z.infer<typeof LeadOut> => ({ ...l, createdAt: l.createdAt.toISOString() });

/** The clinic's leads (one per finished call, scored by src/leads/), newest first. */
export const leadRoutes: FastifyPluginAsyncZod<AdminDeps> = async (app, deps) => {
  app.get(
    '/leads',
    {
      schema: {
        tags,
        security,
        summary: 'Leads, newest first, filtered by minimum score, hot only, caller or days, a page at a time',
        querystring: z
          .object({
            minScore: z.coerce.number().int().min(0).max(100).optional(),
            hot: QueryFlag,
            callerNumber: E164.optional(),
            from: LocalDate.optional().describe('First day, in the clinic’s zone'),
            to: LocalDate.optional().describe('Last day (included), in the clinic’s zone'),
            limit: Limit,
            cursor: z.string().max(200).optional().describe('nextCursor of the previous page'),
          })
          .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' }),
        response: { 200: z.object({ items: z.array(LeadOut), nextCursor: z.string().nullable() }), ...errors },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const rows = await asTenant(deps.sql, request, (tx) =>
        listLeads(tx, principal(request).tenantId, {
          ...filter,
          before: cursor ? decodeCursor(cursor) : undefined,
          limit: limit + 1,
        }),
      );
      const { page, nextCursor } = pageOf(rows, limit, (l) => ({ at: l.createdAt, id: l.id }));
      return { items: page.map(leadOut), nextCursor };
    },
  );

  app.get(
    '/leads/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One lead with its score and reasons',
        params: IdParams,
        response: { 200: LeadOut, ...errors },
      },
    },
    async (request) => {
      const lead = await asTenant(deps.sql, request, (tx) =>
        findLead(tx, principal(request).tenantId, request.params.id),
      );
      if (!lead) throw notFound('The lead');
      return leadOut(lead);
    },
  );
};
