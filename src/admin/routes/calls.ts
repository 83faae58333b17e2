import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type CallSummaryRow, callEvents, findCall, listCalls } from '../../db/queries/calls-admin.ts';
import { asTenant, principal } from '../auth.ts';
import { decodeCursor, pageOf } from '../cursor.ts';
import type { AdminDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { E164, errors, iso, Limit, QueryFlag } from '../schemas.ts';

const security = [{ apiKey: [] }];
const tags = ['calls'];

const CallOut = z.object({
  id: z.uuid(),
  vapiCallId: z.string(),
  callerNumber: z.string().nullable(),
  state: z.string().describe('The call machine’s state, e.g. held, codeSent, booked, escalated, ended'),
  flaggedForHuman: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  endedReason: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  summary: z.string().nullable(),
  successEvaluation: z.string().nullable(),
});
const callOut = (c: CallSummaryRow): z.infer<typeof CallOut> => ({
  ...c,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
  startedAt: iso(c.startedAt),
  endedAt: iso(c.endedAt),
  durationSeconds: c.durationSeconds === null ? null : Number(c.durationSeconds),
});

const toBefore = (c: { at: Date; id: string }) => ({ createdAt: c.at, id: c.id });

/** The clinic's calls, newest first, and each call's timeline of machine transitions. */
export const callRoutes: FastifyPluginAsyncZod<AdminDeps> = async (app, deps) => {
  app.get(
    '/calls',
    {
      schema: {
        tags,
        security,
        summary: 'Calls, newest first, filtered by state, flag or caller, a page at a time',
        querystring: z.object({
          state: z.string().max(50).optional(),
          flagged: QueryFlag,
          callerNumber: E164.optional(),
          vapiCallId: z.string().min(1).max(200).optional().describe("Vapi's call id, as in Vapi's logs"),
          limit: Limit,
          cursor: z.string().max(200).optional(),
        }),
        response: { 200: z.object({ items: z.array(CallOut), nextCursor: z.string().nullable() }), ...errors },
      },
    },
    async (request) => {
      const { cursor, limit, ...filter } = request.query;
      const rows = await asTenant(deps.sql, request, (tx) =>
        listCalls(tx, principal(request).tenantId, {
          ...filter,
          before: cursor ? toBefore(decodeCursor(cursor)) : undefined,
          limit: limit + 1,
        }),
      );
      const { page, nextCursor } = pageOf(rows, limit, (c) => ({ at: c.createdAt, id: c.id }));
      return { items: page.map(callOut), nextCursor };
    },
  );

  app.get(
    '/calls/:id',
    {
      schema: {
        tags,
        security,
        summary:
          'One call, by its id or by Vapi’s call id, with its transcript and its timeline (every transition of its machine, in order)',
        params: z.object({ id: z.string().min(1).max(200).describe("The call's id, or Vapi's call id") }),
        response: {
          200: CallOut.extend({
            transcript: z.string().nullable(),
            timeline: z.array(
              z.object({
                seq: z.number().int(),
                eventType: z.string(),
                stateBefore: z.string(),
                stateAfter: z.string(),
                at: z.string(),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) =>
      asTenant(deps.sql, request, async (tx) => {
        const tid = principal(request).tenantId;
        const call = await findCall(tx, tid, request.params.id);
        if (!call) throw notFound('The call');
        const events = await callEvents(tx, tid, call.id);
        return {
          ...callOut(call),
          transcript: call.transcript,
          timeline: events.map((e) => ({
            seq: e.seq,
            eventType: e.eventType,
            stateBefore: e.stateBefore,
            stateAfter: e.stateAfter,
            at: e.createdAt.toISOString(),
          })),
        };
      }),
  );
};
