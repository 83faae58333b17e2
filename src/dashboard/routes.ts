import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { BookingService } from '../booking/booking-service.ts';
import type { Sql } from '../db/client.ts';
import { callDetail, type DashboardTenant, findDashboardTenant } from '../db/queries/dashboard.ts';
import { withTenant } from '../db/tenant-scope.ts';
import { type BadInput, parseForm } from '../security/input-hygiene.ts';
import type { TenantDirectory } from '../tenants/directory.ts';
import { actionRoutes } from './actions.ts';
import type { DashboardHub } from './hub.ts';
import { loadOverview } from './overview.ts';
import {
  type CredentialVerifier,
  csrfToken,
  type DashboardSession,
  endSession,
  readSession,
  type SignedIn,
  startSession,
} from './session.ts';
import type { DashboardTokens } from './tokens.ts';
import { callPage, dashboardPage, notFoundPage, signInPage } from './views.ts';

export interface DashboardOptions {
  sql: Sql;
  hub: DashboardHub;
  tokens: DashboardTokens;
  now: () => number;
  /** Mark the session cookie Secure (the dashboard is served over https). */
  secureCookies: boolean;
  /** Sign-in with a clinic API key (the admin API's keys: src/admin/auth.ts). */
  apiKeys: CredentialVerifier;
  /** Keep-alive period of an event stream, which also checks its session again each time. */
  heartbeatMs: number;
  /** Staff book, move and cancel through the same claim path as the phone. */
  booking: BookingService;
  tenants: TenantDirectory;
}

const ASSETS = new URL('./static/', import.meta.url);
const ASSET_TYPES = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
} as const;
// Everything the pages load comes from here: an injected script or style would not run.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const signedInAs = new WeakMap<FastifyRequest, SignedIn>();

export async function dashboardRoutes(app: FastifyInstance, opts: DashboardOptions): Promise<void> {
  const { sql, tokens, now } = opts;
  const assets = Object.fromEntries(
    await Promise.all(
      Object.keys(ASSET_TYPES).map(async (f) => [f, await readFile(new URL(f, ASSETS), 'utf8')] as const),
    ),
  ) as Record<keyof typeof ASSET_TYPES, string>;
  const streams = new Set<() => void>();

  // The sign-in form posts like any HTML form; only this plugin reads that format.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_req, body, done) => {
      try {
        done(null, parseForm(body as string, 'reject'));
      } catch (err) {
        done(err as BadInput, undefined);
      }
    },
  );
  app.addHook('onSend', async (_request, reply) => {
    reply
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
  });
  // Open event streams would keep the server from closing.
  app.addHook('preClose', async () => {
    for (const end of streams) end();
  });

  const dashboardTenant = (s: DashboardSession) =>
    withTenant(sql, s.tenantId, (tx) => findDashboardTenant(tx, s.tenantId, s.keyId));
  const html = (reply: FastifyReply, code: number, page: string) =>
    reply.code(code).type('text/html; charset=utf-8').send(page);

  /** Signed-in pages and data: the clinic comes from the session and nowhere else. */
  const signedIn = (kind: 'page' | 'data') => async (request: FastifyRequest, reply: FastifyReply) => {
    const session = readSession(request, tokens, now());
    const tenant = session ? await dashboardTenant(session) : undefined;
    if (!session || !tenant) {
      return kind === 'page'
        ? html(reply, 401, signInPage('Please sign in to see your clinic.'))
        : reply.code(401).send({ error: 'Sign in to the dashboard first.' });
    }
    signedInAs.set(request, { tenant, session });
  };

  app.get('/dashboard/assets/:file', async (request, reply) => {
    const { file } = request.params as { file: string };
    if (!Object.hasOwn(ASSET_TYPES, file))
      return reply.code(404).send({ error: `There is no dashboard asset ${file.slice(0, 60)}.` });
    return reply
      .type(ASSET_TYPES[file as keyof typeof ASSET_TYPES])
      .header('cache-control', 'no-cache')
      .send(assets[file as keyof typeof ASSET_TYPES]);
  });

  app.get('/dashboard/signin', async (request, reply) => {
    const token = z.object({ token: z.string().max(300) }).safeParse(request.query);
    const tenantId = token.success ? tokens.verify('link', token.data.token, now()) : undefined;
    const session = tenantId ? { tenantId, keyId: null } : undefined;
    if (!session || !(await dashboardTenant(session))) {
      request.log.info('dashboard sign-in link refused');
      return html(reply, 401, signInPage('This sign-in link is not valid or has expired; ask for a new one.'));
    }
    startSession(reply, tokens, session, now(), opts.secureCookies);
    return reply.redirect('/dashboard', 303);
  });

  app.post('/dashboard/signin', async (request, reply) => {
    const form = z.object({ api_key: z.string().min(1).max(300) }).safeParse(request.body);
    const session = form.success ? await opts.apiKeys(form.data.api_key) : undefined;
    if (!session) {
      request.log.info('dashboard API-key sign-in refused');
      return html(reply, 401, signInPage('That API key is not valid, or it has been revoked.'));
    }
    request.log.info({ tenant: session.tenantId, keyId: session.keyId }, 'dashboard signed in with an API key');
    startSession(reply, tokens, session, now(), opts.secureCookies);
    return reply.redirect('/dashboard', 303);
  });

  app.post('/dashboard/signout', async (_request, reply) => {
    endSession(reply, opts.secureCookies);
    return reply.redirect('/dashboard', 303);
  });

  app.get('/dashboard', { preHandler: signedIn('page') }, async (request, reply) =>
    html(reply, 200, dashboardPage(signedInAs.get(request)!.tenant, csrfToken(request, tokens, now())!)),
  );

  app.get('/dashboard/calls/:id', { preHandler: signedIn('page') }, async (request, reply) => {
    const tenant = signedInAs.get(request)!.tenant;
    // Our id or Vapi's call id. Another clinic's call is "not found", exactly like a call that does not exist.
    const id = z
      .string()
      .min(1)
      .max(200)
      .safeParse((request.params as { id: string }).id);
    const detail = id.success
      ? await withTenant(sql, tenant.id, (tx) => callDetail(tx, tenant.id, id.data))
      : undefined;
    if (!detail) return html(reply, 404, notFoundPage('There is no such call.'));
    return html(reply, 200, await callPage(tenant, detail));
  });

  const context = async (tenant: DashboardTenant) => {
    const ctx = await opts.tenants.get(tenant.slug);
    if (!ctx) throw new Error(`clinic ${tenant.slug} signed in but not in the directory`);
    return ctx;
  };
  app.get('/dashboard/api/overview', { preHandler: signedIn('data') }, async (request, reply) => {
    const { tenant } = signedInAs.get(request)!;
    return reply
      .header('cache-control', 'no-store')
      .send(await loadOverview(sql, tenant, await context(tenant), now()));
  });

  await actionRoutes(app, {
    sql,
    booking: opts.booking,
    tokens,
    now,
    context,
    guard: signedIn('data'),
    who: (r) => signedInAs.get(r)!,
  });

  app.get('/dashboard/events', { preHandler: signedIn('data') }, async (request, reply) => {
    const { tenant, session } = signedInAs.get(request)!;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold events back in their buffer.
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const unsubscribe = opts.hub.subscribe(tenant.id, (event) => {
      res.write(`event: change\ndata: ${JSON.stringify({ kind: event.kind, id: event.id })}\n\n`);
    });
    // A stream outlives the request that checked its session: a revoked key or a suspended clinic ends it at the next
    // beat, and the page's reconnect is then refused.
    const recheck = async () => {
      if (await dashboardTenant(session)) return;
      request.log.info({ tenant: tenant.slug }, 'dashboard stream ended: its session is no longer valid');
      end();
    };
    const heartbeat = setInterval(() => {
      res.write(': keep-alive\n\n');
      recheck().catch((err: unknown) => request.log.warn({ err }, 'dashboard stream: session check failed; kept open'));
    }, opts.heartbeatMs);
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(end);
      res.end();
    };
    streams.add(end);
    request.raw.on('close', end);
    request.log.info({ tenant: tenant.slug }, 'dashboard stream opened');
  });
}
