import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { BookingService } from '../booking/booking-service.ts';
import type { CallService } from '../calls/call-service.ts';
import { endCall } from '../calls/end-call.ts';
import type { ToolReplays } from '../coordinator/tool-replays.ts';
import type { Sql } from '../db/client.ts';
import { failure } from '../domain/answer.ts';
import type { Metrics } from '../observability/metrics.ts';
import { limiter } from '../plugins/rate-limit.ts';
import { type BadInput, type JsonGate, parseJson, WEBHOOK_GATE } from '../security/input-hygiene.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { OptOuts } from '../sms/opt-outs.ts';
import type { TenantContext, TenantDirectory } from '../tenants/directory.ts';
import type { WaitlistService } from '../waitlist/waitlist-service.ts';
import { toVapiResult } from './answer.ts';
import { assistantRequestAnswer } from './assistant-request.ts';
import { checkWebhookHeaders } from './auth.ts';
import { readCallReport } from './call-report.ts';
import { callerNumber, Envelope, normaliseToolCalls } from './envelope.ts';
import { signatureMatches } from './hmac.ts';
import { runToolCall } from './run-tool-call.ts';
import { staticArguments } from './tools/static-parameters.ts';

export interface WebhookLimits {
  perTenant: number;
  perIp: number;
  windowSeconds: number;
}

export interface VapiRouteOptions {
  sql: Sql;
  tenants: TenantDirectory;
  booking: BookingService;
  calls: CallService;
  waitlist: WaitlistService;
  optOuts: OptOuts;
  metrics: Metrics;
  replays: ToolReplays;
  secrets: SecretBox;
  now: () => number;
  bodyLimit: number;
  limits: WebhookLimits;
  /** How Vapi reaches this server; else taken from the request. */
  publicUrl?: string;
  /** Told when an SMS was queued, so it goes out now rather than at the dispatcher's next round. */
  smsQueued: () => void;
}

/**
 * A message nested deeper than the gate allows is still a call's message: it is kept as these fields (what ends a
 * call and fills the report's columns), so a hostile or broken report never stops the call from ending.
 */
const KEPT_WHEN_TOO_DEEP = [
  ['type'],
  ['status'],
  ['endedReason'],
  ['timestamp'],
  ['startedAt'],
  ['endedAt'],
  ['cost'],
  ['summary'],
  ['transcript'],
  ['call', 'id'],
  ['call', 'customer', 'number'],
  ['customer', 'number'],
  ['phoneNumber', 'number'],
  ['analysis', 'summary'],
  ['analysis', 'successEvaluation'],
  ['artifact', 'transcript'],
].map((path) => ['message', ...path]);
const GATE: JsonGate = {
  ...WEBHOOK_GATE,
  keepWhenTooDeep: { paths: KEPT_WHEN_TOO_DEEP, note: ['message', 'slotkeeperNote'] },
};

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const UNAUTHORIZED = 'Unauthorized: unknown clinic or wrong webhook credential.';
const SUSPENDED = "Sorry, this clinic's phone booking isn't available right now. Please call back later.";
const tenantOf = new WeakMap<FastifyRequest, TenantContext>();
/** HMAC clinics: the timestamp the headers carried, for the signature check over the raw body. */
const signedAt = new WeakMap<FastifyRequest, string>();
const signatureVerified = new WeakSet<FastifyRequest>();

function unauthorized(): FastifyError {
  return Object.assign(new Error(UNAUTHORIZED), {
    statusCode: 401,
    code: 'SK_WEBHOOK_UNAUTHORIZED',
    name: 'Unauthorized',
  });
}

export async function vapiRoutes(app: FastifyInstance, opts: VapiRouteOptions): Promise<void> {
  const perIp = limiter(app, {
    name: 'webhook-ip',
    max: opts.limits.perIp,
    windowSeconds: opts.limits.windowSeconds,
    key: (r) => r.ip,
  });
  const perTenant = limiter(app, {
    name: 'webhook-tenant',
    max: opts.limits.perTenant,
    windowSeconds: opts.limits.windowSeconds,
    key: (r) => tenantOf.get(r)!.tenant.id,
  });

  // The raw bytes are needed for an HMAC signature, and are checked before JSON.parse ever sees them. Then the hygiene
  // gate, cleaning rather than refusing: a report Vapi cannot resend differently must still be kept.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const timestamp = signedAt.get(request);
    if (timestamp !== undefined) {
      const ctx = tenantOf.get(request)!;
      const secret = opts.secrets.open(ctx.tenant.vapiSecretSealed!);
      if (!signatureMatches(secret, timestamp, body as Buffer, request.headers['x-signature'])) {
        request.log.warn({ tenant: ctx.tenant.slug }, 'webhook rejected: bad HMAC signature');
        done(unauthorized(), undefined);
        return;
      }
      signatureVerified.add(request);
    }
    try {
      done(null, parseJson((body as Buffer).toString('utf8'), GATE));
    } catch (err) {
      done(err as BadInput, undefined);
    }
  });

  app.post<{ Params: { tenant: string } }>(
    '/vapi/:tenant',
    {
      bodyLimit: opts.bodyLimit,
      // Before the body is read: a caller without the clinic's credential costs us no parsing.
      onRequest: async (request, reply) => {
        if (!(await perIp(request, reply))) return reply;
        const { tenant: slug } = request.params as { tenant: string };
        const ctx = SLUG.test(slug) ? await opts.tenants.get(slug) : undefined;
        const verdict = ctx ? checkWebhookHeaders(ctx.tenant, request.headers, opts.now()) : { ok: false as const };
        // One answer for an unknown clinic and a wrong secret, so the endpoint does not reveal which clinics exist.
        if (!ctx || !verdict.ok) {
          request.log.warn({ tenant: slug }, 'webhook rejected: unknown clinic or wrong credential');
          return reply.code(401).send({ error: UNAUTHORIZED });
        }
        tenantOf.set(request, ctx);
        if (verdict.signedAt !== undefined) signedAt.set(request, verdict.signedAt);
        if (!(await perTenant(request, reply))) return reply;
      },
    },
    async (request, reply) => {
      const tenant = tenantOf.get(request)!;
      // A signed request whose body never reached the parser (no JSON content type) proved nothing.
      if (signedAt.has(request) && !signatureVerified.has(request))
        return reply.code(401).send({ error: UNAUTHORIZED });
      const parsed = Envelope.safeParse(request.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return reply.code(400).send({
          error: `The body must be a Vapi server message like {"message": {"type": "tool-calls", ...}}; ${issue.path.join('.') || 'the body'}: ${issue.message}.`,
        });
      }
      const message = parsed.data.message;
      // Bindings handed down, not a child logger per hop: a tool call's one line carries them.
      const bound = { tenant: tenant.tenant.slug, callId: message.call?.id, messageType: message.type };
      const log = request.log;
      const suspended = tenant.tenant.status === 'suspended';
      if (message.type === 'assistant-request') {
        if (suspended) return { error: SUSPENDED };
        const webhookUrl = `${opts.publicUrl ?? `${request.protocol}://${request.host}`}/vapi/${tenant.tenant.slug}`;
        return assistantRequestAnswer(tenant, { webhookUrl, now: opts.now() });
      }
      const callId = message.call?.id;
      if ((message.type === 'end-of-call-report' || message.type === 'status-update') && !callId) {
        // Nothing to end or store it under; said in the log so a misconfigured assistant does not go unnoticed.
        const status = typeof message.status === 'string' ? message.status.slice(0, 40) : undefined;
        log.warn({ ...bound, status }, 'call message without a call id: acknowledged, nothing recorded');
        return {};
      }
      const ended =
        message.type === 'end-of-call-report' || (message.type === 'status-update' && message.status === 'ended');
      if (ended && callId) {
        await endCall(
          { ...opts, publicUrl: opts.publicUrl ?? null },
          tenant,
          {
            vapiCallId: callId,
            callerNumber: callerNumber(message),
            reason: typeof message.endedReason === 'string' ? message.endedReason.slice(0, 200) : null,
            ...(message.type === 'end-of-call-report' ? { report: readCallReport(message) } : {}),
          },
          log.child(bound),
        );
        log.info(bound, 'call ended');
        return {};
      }
      if (message.type !== 'tool-calls') {
        log.debug(bound, 'server message acknowledged');
        return {};
      }
      // Too deep to read its tool calls: said, rather than answered with no result for them.
      if (message.slotkeeperNote)
        return reply.code(400).send({ error: `${message.slotkeeperNote.split(':')[0]}; flatten it and send again.` });
      const toolCalls = normaliseToolCalls(message);
      if (suspended) {
        log.warn(bound, 'tool calls for a suspended clinic refused');
        return { results: toolCalls.map((c) => toVapiResult(c.id, c.name, failure('clinic_unavailable', SUSPENDED))) };
      }
      const ctx = {
        tenant,
        callId: message.call?.id ?? null,
        callerNumber: callerNumber(message),
        now: opts.now(),
        log,
        bound,
        booking: opts.booking,
        calls: opts.calls,
        waitlist: opts.waitlist,
        optOuts: opts.optOuts,
      };
      const results = [];
      // In order, one after another: a later call in the same message may depend on an earlier one.
      for (const call of toolCalls) {
        const statics = staticArguments(
          call.args.ok ? call.args.value : {},
          message,
          request.body as Record<string, unknown>,
        );
        const callCtx = {
          ...ctx,
          callId: ctx.callId ?? statics.vapi_call_id ?? null,
          callerNumber: ctx.callerNumber ?? statics.caller_number ?? null,
        };
        results.push(toVapiResult(call.id, call.name, await runToolCall(call, callCtx, opts)));
      }
      return { results };
    },
  );
}
