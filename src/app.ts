import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { dashboardKeyVerifier } from './admin/auth.ts';
import { adminApi } from './admin/plugin.ts';
import { BookingService } from './booking/booking-service.ts';
import { HoldSweeper } from './booking/hold-sweeper.ts';
import { provideCallEffects } from './calls/call-effects.ts';
import { CallRegistry } from './calls/call-registry.ts';
import { CallService } from './calls/call-service.ts';
import { StepScopes } from './calls/step-scope.ts';
import type { Config } from './config.ts';
import { SlotCoordinator } from './coordinator/coordinator.ts';
import { ToolReplays } from './coordinator/tool-replays.ts';
import { DashboardHub } from './dashboard/hub.ts';
import { dashboardRoutes } from './dashboard/routes.ts';
import { dashboardTokens } from './dashboard/tokens.ts';
import type { Sql } from './db/client.ts';
import { readOpsGauges } from './db/queries/ops-gauges.ts';
import { createMetrics, registerOpsGauges } from './observability/metrics.ts';
import { liveCallInspector } from './observability/stately-inspector.ts';
import { otpPepper } from './otp/otp-code.ts';
import { installErrorHandler } from './plugins/errors.ts';
import { healthRoutes } from './plugins/health.ts';
import { registerLoadShedding } from './plugins/load-shedding.ts';
import { measureHttp, metricsRoutes } from './plugins/metrics.ts';
import { registerOpenApi } from './plugins/openapi.ts';
import { registerRateLimits } from './plugins/rate-limit.ts';
import { installDashboardSecurityHeaders } from './plugins/security-headers.ts';
import { createRedis } from './redis/client.ts';
import { API_GATE, installJsonGate } from './security/input-hygiene.ts';
import type { SecretBox } from './security/secret-box.ts';
import { InboundSms } from './sms/inbound.ts';
import { twilioInboundRoutes } from './sms/inbound-route.ts';
import { OptOuts } from './sms/opt-outs.ts';
import { OutboxDispatcher } from './sms/outbox-dispatcher.ts';
import { twilioStatusRoutes } from './sms/status-route.ts';
import { TenantDirectory } from './tenants/directory.ts';
import { vapiRoutes } from './vapi/route.ts';
import { WaitlistService } from './waitlist/waitlist-service.ts';

export interface AppDeps {
  config: Config;
  sql: Sql;
  /** Seals and opens secrets stored in the database (Twilio tokens, readable webhook secrets). */
  secrets: SecretBox;
  /** The clock for everything the app decides in JavaScript; the database keeps its own now(). */
  now?: () => number;
  /** Where the log lines go (default stdout); tests read them to prove no secret is logged. */
  logStream?: { write(line: string): void };
}

export async function buildApp({ config, sql, secrets, now = Date.now, logStream }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      redact: ['req.headers.authorization', 'req.headers["x-vapi-secret"]', 'req.headers["x-signature"]'],
      ...(logStream ? { stream: logStream } : {}),
    },
    genReqId: (req) =>
      typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'].slice(0, 100) : randomUUID(),
    bodyLimit: 1024 * 1024,
    // The webhook's tool calls log one line each (vapi/run-tool-call.ts); fastify's two lines per request
    // (received, completed) would triple that. Other routes keep them.
    logController: new LogController({ disableRequestLogging: (request) => request.url.startsWith('/vapi/') }),
    // A client that trickles its request (a byte a second) or opens connections and sends nothing holds a socket only
    // this long; Node checks the deadlines every connectionsCheckingInterval.
    connectionTimeout: config.HTTP_CONNECTION_TIMEOUT_MS,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
      connectionsCheckingInterval: Math.min(1000, config.HTTP_HEADERS_TIMEOUT_MS),
    },
  });
  const metrics = createMetrics();
  measureHttp(app, metrics);
  registerOpsGauges(
    metrics,
    () => readOpsGauges(sql),
    config.DB_POOL_SIZE,
    (err) => app.log.warn({ err }, 'metrics: the database gauges could not be read'),
  );
  const tenants = new TenantDirectory(sql);
  const stopHearingCatalog = await tenants.listen();
  app.addHook('onClose', stopHearingCatalog);
  // Redis is optional: without it this one process coordinates claims and caches availability by itself.
  const redis = config.REDIS_URL
    ? {
        commands: createRedis(config.REDIS_URL, 'commands', app.log),
        subscriber: createRedis(config.REDIS_URL, 'subscriber', app.log),
        prefix: config.REDIS_KEY_PREFIX,
      }
    : undefined;
  const coordinator = new SlotCoordinator({ sql, metrics, now, redis });
  const booking = new BookingService(sql, now, coordinator);
  const replays = new ToolReplays({
    sql,
    redis,
    degraded: (operation) => metrics.redisDegraded.inc({ operation }),
  });
  app.addHook('onClose', () => replays.flush());
  if (redis) {
    app.addHook('onClose', async () => {
      redis.commands.disconnect();
      redis.subscriber.disconnect();
    });
  }

  const outbox = new OutboxDispatcher(
    sql,
    config,
    secrets,
    app.log.child({ component: 'sms-outbox' }),
    now,
    (kind, outcome) => metrics.sms.inc({ kind, outcome }),
  );
  const pepper = otpPepper(config, secrets);
  const steps = new StepScopes(sql);
  const machine = provideCallEffects({
    sql,
    steps,
    booking,
    tenants,
    secrets,
    otpPepper: pepper,
    smsQueued: () => outbox.kick(),
    now,
  });
  const inspector = config.STATELY_INSPECT_URL ? liveCallInspector(config.STATELY_INSPECT_URL) : undefined;
  if (inspector) app.addHook('onClose', async () => inspector.stop());
  const registry = new CallRegistry({
    sql,
    machine,
    steps,
    log: app.log.child({ component: 'calls' }),
    now,
    recordsNotSaved: metrics.recordsNotSaved,
    // A step holds its transaction's connection, and a claim or a change of appointment takes at most one more at a
    // time (every other effect runs in the step's transaction), so all but two connections may hold call locks and
    // every step progresses.
    maxConcurrent: Math.max(1, config.DB_POOL_SIZE - 2),
    inspect: inspector?.inspect,
  });
  const calls = new CallService(registry, pepper);
  metrics.countInMemory('slot_actors', () => coordinator.actors.size);
  metrics.countInMemory('clinics', () => tenants.size);
  metrics.countInMemory('alternatives', () => booking.alternativesRemembered);
  metrics.countInMemory('call_actors', () => registry.size);
  metrics.countInMemory('replay_records_queued', () => replays.queued);
  const sweeper = new HoldSweeper(booking, config.HOLD_SWEEP_INTERVAL_MS, app.log.child({ component: 'hold-sweeper' }));
  const waitlist = new WaitlistService({
    sql,
    booking,
    tenants,
    now,
    log: app.log.child({ component: 'waitlist' }),
    smsQueued: () => outbox.kick(),
    sweepIntervalMs: config.HOLD_SWEEP_INTERVAL_MS,
  });
  const inbound = new InboundSms({
    sql,
    booking,
    waitlist,
    log: app.log.child({ component: 'sms-inbound' }),
    smsQueued: () => outbox.kick(),
  });
  const optOuts = new OptOuts(sql);
  const housekeeping = setInterval(() => registry.trim(), 60_000).unref();
  outbox.start();
  sweeper.start();
  waitlist.start();
  app.addHook('onClose', async () => {
    clearInterval(housekeeping);
    await registry.close();
    await Promise.all([outbox.stop(), sweeper.stop(), waitlist.stop()]);
  });

  installErrorHandler(app);
  // Every JSON body, query string and path parameter passes the gate; the webhook sets its own, cleaning, parser.
  installJsonGate(app, API_GATE, { flat: true });
  installDashboardSecurityHeaders(app);
  await registerLoadShedding(app, {
    maxEventLoopDelayMs: config.MAX_EVENT_LOOP_DELAY_MS,
    sampleIntervalMs: config.PRESSURE_SAMPLE_INTERVAL_MS,
  });
  await registerRateLimits(
    app,
    redis && {
      redis: redis.commands,
      prefix: redis.prefix,
      degraded: () => metrics.redisDegraded.inc({ operation: 'rate_limit' }),
    },
  );
  await registerOpenApi(app);
  await app.register(metricsRoutes, { metrics });
  await app.register(healthRoutes, {
    sql,
    checks: redis ? { redis: async () => void (await redis.commands.ping()) } : undefined,
  });
  const window = config.RATE_LIMIT_WINDOW_SECONDS;
  await app.register(vapiRoutes, {
    sql,
    tenants,
    booking,
    calls,
    waitlist,
    optOuts,
    metrics,
    secrets,
    now,
    replays,
    bodyLimit: config.WEBHOOK_BODY_LIMIT_BYTES,
    publicUrl: config.PUBLIC_URL,
    limits: {
      perTenant: config.RATE_LIMIT_WEBHOOK_PER_TENANT,
      perIp: config.RATE_LIMIT_WEBHOOK_PER_IP,
      windowSeconds: window,
    },
    smsQueued: () => outbox.kick(),
  });
  await app.register(twilioStatusRoutes, { sql, config, secrets });
  await app.register(twilioInboundRoutes, { sql, config, secrets, tenants, inbound });
  const adminDeps = {
    sql,
    secrets,
    tenants,
    booking,
    waitlist,
    now,
    adminToken: config.ADMIN_TOKEN,
    publicUrl: config.PUBLIC_URL,
    dashboardTokens: dashboardTokens(config, secrets),
    limits: { perTenant: config.RATE_LIMIT_API_PER_TENANT, perIp: config.RATE_LIMIT_API_PER_IP, windowSeconds: window },
  };
  await app.register((api) => adminApi(api, adminDeps), { prefix: '/api/v1' });

  const hub = new DashboardHub(sql, app.log.child({ component: 'dashboard-hub' }));
  await hub.start();
  app.addHook('onClose', () => hub.stop());
  await app.register(dashboardRoutes, {
    sql,
    hub,
    now,
    tokens: dashboardTokens(config, secrets),
    apiKeys: dashboardKeyVerifier(sql),
    secureCookies: config.PUBLIC_URL?.startsWith('https:') ?? false,
    heartbeatMs: config.DASHBOARD_HEARTBEAT_MS,
    booking,
    tenants,
  });
  return app;
}
