import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BookingService } from '../booking/booking-service.ts';
import type { CallService } from '../calls/call-service.ts';
import { saveCallReport, saveEndedReason } from '../db/queries/calls.ts';
import type { Sql } from '../db/client.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { TenantContext, TenantDirectory } from '../tenants/directory.ts';
import { toVapiResult } from './answer.ts';
import { presentedSecret, secretMatches } from './auth.ts';
import { readCallReport } from './call-report.ts';
import { callerNumber, Envelope, normaliseToolCalls } from './envelope.ts';
import { runToolCall } from './run-tool-call.ts';

export interface VapiRouteOptions {
  sql: Sql;
  tenants: TenantDirectory;
  booking: BookingService;
  calls: CallService;
  metrics: Metrics;
  now: () => number;
  bodyLimit: number;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const tenantOf = new WeakMap<FastifyRequest, TenantContext>();

export async function vapiRoutes(app: FastifyInstance, opts: VapiRouteOptions): Promise<void> {
  app.post<{ Params: { tenant: string } }>(
    '/vapi/:tenant',
    {
      bodyLimit: opts.bodyLimit,
      // Before the body is read: a caller without the clinic's credential costs us no parsing.
      onRequest: async (request, reply) => {
        const { tenant: slug } = request.params as { tenant: string };
        const secret = presentedSecret(request.headers);
        const ctx = SLUG.test(slug) && secret ? await opts.tenants.get(slug) : undefined;
        // One answer for an unknown clinic and a wrong secret, so the endpoint does not reveal which clinics exist.
        if (!ctx || !secret || !secretMatches(secret, ctx.tenant.vapiSecretSha256)) {
          request.log.warn({ tenant: slug }, 'webhook rejected: unknown clinic or wrong credential');
          return reply.code(401).send({ error: 'Unauthorized: unknown clinic or wrong webhook credential.' });
        }
        tenantOf.set(request, ctx);
      },
    },
    async (request, reply) => {
      const tenant = tenantOf.get(request)!;
      const parsed = Envelope.safeParse(request.body);
      if (!parsed.success) {
        return reply.code(400).send({ error: 'The body must be a Vapi server message like {"message": {"type": "tool-calls", ...}}.' });
      }
      const message = parsed.data.message;
      const log = request.log.child({ tenant: tenant.tenant.slug, callId: message.call?.id, messageType: message.type });
      const callId = message.call?.id;
      const ended = message.type === 'end-of-call-report' || (message.type === 'status-update' && message.status === 'ended');
      if (ended && callId) {
        // The machine releases any hold and ends; the report is stored whole. Both are harmless when repeated.
        const reason = typeof message.endedReason === 'string' ? message.endedReason.slice(0, 200) : null;
        await opts.calls.end(tenant, callId, callerNumber(message), reason, opts.now());
        if (message.type === 'end-of-call-report') await saveCallReport(opts.sql, tenant.tenant.id, callId, readCallReport(message));
        else await saveEndedReason(opts.sql, tenant.tenant.id, callId, reason);
        log.info('call ended');
        return {};
      }
      if (message.type !== 'tool-calls') {
        log.debug('server message acknowledged');
        return {};
      }
      const ctx = {
        tenant,
        callId: message.call?.id ?? null,
        callerNumber: callerNumber(message),
        now: opts.now(),
        log,
        booking: opts.booking,
        calls: opts.calls,
      };
      const results = [];
      // In order, one after another: a later call in the same message may depend on an earlier one.
      for (const call of normaliseToolCalls(message)) {
        results.push(toVapiResult(call.id, call.name, await runToolCall(call, ctx, opts)));
      }
      return { results };
    },
  );
}
