import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { BookingService } from '../booking/booking-service.ts';
import { REFUSALS, type StaffAnswer, staffBook, staffCancel, staffMove } from '../booking/staff-actions.ts';
import type { Sql } from '../db/client.ts';
import { CALLBACK_KINDS, markCallbacksDone, openCallbacks } from '../db/queries/callbacks.ts';
import { markNoShow } from '../db/queries/dashboard.ts';
import { withTenant } from '../db/tenant-scope.ts';
import { dayBounds } from '../scheduling/clinic-day.ts';
import { clinicZone } from '../scheduling/zone.ts';
import type { TenantContext } from '../tenants/directory.ts';
import { CALLBACK_DAYS } from './overview.ts';
import { csrfValid, type SignedIn } from './session.ts';
import type { DashboardTokens } from './tokens.ts';
import { maskPhone } from './words.ts';

export interface ActionDeps {
  sql: Sql;
  booking: BookingService;
  tokens: DashboardTokens;
  now: () => number;
  context: (tenant: SignedIn['tenant']) => Promise<TenantContext>;
  /** Refuses a request without a valid session of an active clinic (a suspended clinic's included). */
  guard: preHandlerAsyncHookHandler;
  who: (request: FastifyRequest) => SignedIn;
}

const Start = z.iso.datetime({ offset: true });
const Id = z.uuid();
const Bodies = {
  book: z.strictObject({
    serviceId: Id,
    providerId: Id.optional(),
    start: Start,
    name: z.string().trim().min(1).max(200),
    phone: z.string().trim().min(3).max(40),
  }),
  move: z.strictObject({ appointmentId: Id, start: Start, providerId: Id.optional() }),
  cancel: z.strictObject({ appointmentId: Id }),
  noShow: z.strictObject({ appointmentId: Id }),
  callbackDone: z.strictObject({
    items: z
      .array(z.strictObject({ kind: z.enum(CALLBACK_KINDS as [string, ...string[]]), id: z.string().min(1).max(200) }))
      .min(1)
      .max(20),
    handledBy: z.string().trim().min(1, 'Say who handled it.').max(100),
  }),
};

/**
 * What staff do from the dashboard: book a free slot for a caller, move, cancel, mark a no-show, mark a call back
 * done. Booking, moving and cancelling go through staff-actions (the admin API's own code: the phone's claim path,
 * the patient's texts). Every change needs the page's CSRF token and a session of an active clinic, and touches only
 * that clinic's rows. Answers are one sentence: `{ say }` when done, `{ error }` when not (and nothing changed).
 */
export async function actionRoutes(app: FastifyInstance, deps: ActionDeps): Promise<void> {
  const { sql, now } = deps;
  const guarded = { preHandler: [deps.guard, checkCsrf] };

  async function checkCsrf(request: FastifyRequest, reply: FastifyReply) {
    // Another site cannot read the token; a browser also names the page that posted (Origin), which must be ours.
    const origin = request.headers.origin;
    const sameOrigin = origin === undefined || (URL.canParse(origin) && new URL(origin).host === request.headers.host);
    if (!sameOrigin || !csrfValid(request, deps.tokens, now())) {
      request.log.info('dashboard action refused: CSRF token or origin not valid');
      return reply.code(403).send({ error: 'This page is out of date; reload it and try again.' });
    }
  }

  const parse = <S extends z.ZodType>(schema: S, body: unknown, reply: FastifyReply): z.infer<S> | undefined => {
    const r = schema.safeParse(body);
    if (r.success) return r.data;
    const issue = r.error.issues[0]!;
    void reply.code(400).send({ error: `${issue.path.join('.') || 'The form'}: ${issue.message}` });
    return undefined;
  };

  /** A staff answer as a reply: the appointment's new time in words, or the refusal with up to three alternatives. */
  const answer = (
    reply: FastifyReply,
    ctx: TenantContext,
    a: StaffAnswer,
    done: (when: string, provider: string, patient: string | null) => string,
  ) => {
    const zone = clinicZone(ctx.tenant.timeZone);
    const when = (ms: number) => DateTime.fromMillis(ms, { zone }).toFormat("ccc d LLL 'at' h:mm a");
    const provider = (id: string) => ctx.catalog.providers.find((p) => p.id === id)?.name ?? 'the provider';
    if (a.kind === 'done')
      return reply.send({
        say: done(when(a.appointment.startsAt.getTime()), a.appointment.providerName, a.appointment.patientName),
        id: a.appointment.id,
      });
    if (a.kind === 'refused') return reply.code(a.status).send({ error: a.say });
    const alternatives = a.outcome.alternatives.map((s) => ({
      start: new Date(s.start).toISOString(),
      providerId: s.providerId,
      label: `${when(s.start)} with ${provider(s.providerId)}`,
    }));
    const error = a.outcome.kind === 'unavailable' ? 'That time was just taken.' : REFUSALS[a.outcome.reason];
    return reply.code(a.outcome.kind === 'unavailable' ? 409 : 422).send({ error, alternatives });
  };

  app.post('/dashboard/actions/book', guarded, async (request, reply) => {
    const b = parse(Bodies.book, request.body, reply);
    if (!b) return reply;
    const ctx = await deps.context(deps.who(request).tenant);
    const a = await staffBook(deps, ctx, {
      serviceId: b.serviceId,
      providerId: b.providerId,
      start: Date.parse(b.start),
      patient: { name: b.name, phone: b.phone },
    });
    if (a.kind === 'done')
      request.log.info({ appointmentId: a.appointment.id }, 'appointment booked from the dashboard');
    return answer(
      reply,
      ctx,
      a,
      (when, provider, patient) => `Booked ${patient ?? b.name} for ${when} with ${provider}.`,
    );
  });

  app.post('/dashboard/actions/move', guarded, async (request, reply) => {
    const b = parse(Bodies.move, request.body, reply);
    if (!b) return reply;
    const ctx = await deps.context(deps.who(request).tenant);
    const a = await staffMove(deps, ctx, b.appointmentId, { start: Date.parse(b.start), providerId: b.providerId });
    if (a.kind === 'done')
      request.log.info({ from: b.appointmentId, to: a.appointment.id }, 'appointment moved from the dashboard');
    return answer(reply, ctx, a, (when, provider) => `Moved to ${when} with ${provider}; the patient is being texted.`);
  });

  app.post('/dashboard/actions/cancel', guarded, async (request, reply) => {
    const b = parse(Bodies.cancel, request.body, reply);
    if (!b) return reply;
    const ctx = await deps.context(deps.who(request).tenant);
    const a = await staffCancel(deps, ctx, b.appointmentId);
    if (a.kind === 'done')
      request.log.info({ appointmentId: b.appointmentId }, 'appointment cancelled from the dashboard');
    return answer(
      reply,
      ctx,
      a,
      (when, provider) => `Cancelled the appointment on ${when} with ${provider}; the patient is being texted.`,
    );
  });

  app.post('/dashboard/actions/no-show', guarded, async (request, reply) => {
    const b = parse(Bodies.noShow, request.body, reply);
    if (!b) return reply;
    const { tenant } = deps.who(request);
    const marked = await withTenant(sql, tenant.id, (tx) => markNoShow(tx, tenant.id, b.appointmentId));
    if (!marked)
      return reply.code(409).send({ error: 'Only a booked appointment that has started can be marked as a no-show.' });
    request.log.info({ appointmentId: b.appointmentId }, 'no-show marked from the dashboard');
    return reply.send({ say: 'Marked as a no-show.' });
  });

  app.post('/dashboard/actions/callback-done', guarded, async (request, reply) => {
    const b = parse(Bodies.callbackDone, request.body, reply);
    if (!b) return reply;
    const { tenant, session } = deps.who(request);
    const marked = await withTenant(sql, tenant.id, async (tx) => {
      // Only items still open in this clinic's queue: another clinic's or a made-up item is refused, not recorded.
      const open = await openCallbacks(tx, tenant.id, { days: CALLBACK_DAYS, limit: b.items.length, only: b.items });
      if (open.length !== b.items.length) return 0;
      const what = open.map((o) => ({
        kind: o.kind,
        id: o.sourceId,
        what: `${o.name ?? maskPhone(o.phone) ?? 'Unknown caller'}: ${o.reason}`,
      }));
      return markCallbacksDone(tx, tenant.id, what, { name: b.handledBy, keyId: session.keyId });
    });
    if (marked !== b.items.length)
      return reply
        .code(409)
        .send({ error: 'That call back is already done or no longer in the queue; nothing was changed.' });
    request.log.info({ items: b.items.length }, 'call back marked done from the dashboard');
    return reply.send({ say: `Marked done by ${b.handledBy}.` });
  });

  /** Free start times for the booking and moving forms: one service, one provider (or any), one local day. */
  app.get('/dashboard/api/slots', { preHandler: deps.guard }, async (request, reply) => {
    const q = parse(z.object({ serviceId: Id, providerId: Id.optional(), date: z.iso.date() }), request.query, reply);
    if (!q) return reply;
    const ctx = await deps.context(deps.who(request).tenant);
    const service = ctx.catalog.services.find((s) => s.id === q.serviceId);
    if (!service) return reply.code(404).send({ error: 'The service was not found.' });
    const providerIds = q.providerId ? service.providerIds.filter((p) => p === q.providerId) : service.providerIds;
    const zone = clinicZone(ctx.tenant.timeZone);
    const { start: from, end: to } = dayBounds(q.date, ctx.tenant.timeZone);
    const slots = await deps.booking.findSlots(ctx, { service, providerIds, from, to });
    const provider = (id: string) => ctx.catalog.providers.find((p) => p.id === id)?.name ?? '';
    return reply.header('cache-control', 'no-store').send({
      slots: slots.map((s) => ({
        start: new Date(s.start).toISOString(),
        providerId: s.providerId,
        label: `${DateTime.fromMillis(s.start, { zone }).toFormat('h:mm a')} · ${provider(s.providerId)}`,
      })),
    });
  });
}
