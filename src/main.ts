import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { signInLink } from './dashboard/link.ts';
import { dashboardTokens } from './dashboard/tokens.ts';
import { dataDirOf } from './data-dir.ts';
import { connect, type Sql } from './db/client.ts';
import { type EmbeddedDatabase, EmbeddedPostgresError, startEmbeddedPostgres } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { applyHeapGrowth } from './heap-growth.ts';
import { keyFingerprints, removeRuntime, runtimeFile, writeRuntime } from './runtime-file.ts';
import type { SecretBox } from './security/secret-box.ts';
import { openSecretBox } from './security/secrets-key.ts';
import { type DemoClinic, ensureDemoClinic } from './tenants/demo-clinic.ts';

/** Everything started so far, stopped in reverse order: requests first, the database last. */
interface Running {
  app?: FastifyInstance;
  sql?: Sql;
  embedded?: EmbeddedDatabase;
  dataDir?: string;
}
const running: Running = {};

/** A longer shutdown than this is stuck (a request that never ends); the process then leaves anyway. */
const SHUTDOWN_LIMIT_MS = 15_000;

async function main(): Promise<void> {
  const config = loadConfig();
  applyHeapGrowth(config.HEAP_GROWTH_PERCENT);
  const dataDir = dataDirOf(config);
  listenForSignals();

  const secrets = await openSecretBox(config, dataDir);
  running.embedded = config.DATABASE_URL ? undefined : await startEmbeddedPostgres(dataDir);
  running.dataDir = dataDir;
  const sql = connect(config.DATABASE_URL ?? running.embedded!.url, { max: config.DB_POOL_SIZE });
  running.sql = sql;
  await migrate(sql);
  const demo = config.SEED_DEMO
    ? await ensureDemoClinic(sql, { dataDir, secret: config.DEMO_VAPI_SECRET, ownerPhone: config.DEMO_OWNER_PHONE })
    : undefined;

  const app = await buildApp({ config, sql, secrets });
  running.app = app;
  await app.listen({ port: config.PORT, host: config.HOST });
  const port = (app.server.address() as { port: number }).port;
  const localUrl = `http://${localHost(config.HOST)}:${port}`;
  const base = config.PUBLIC_URL?.replace(/\/+$/, '') ?? `http://localhost:${port}`;
  writeRuntime(dataDir, {
    pid: process.pid,
    url: localUrl,
    publicUrl: base,
    databaseUrl: running.embedded?.url,
    keys: keyFingerprints(config, secrets),
    startedAt: new Date().toISOString(),
  });
  console.log(banner({ config, secrets, base, dataDir, demo }));
}

/** How a process on this machine reaches a server listening on `host`. */
function localHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** What is on and where: the first thing a developer reads. */
function banner(o: {
  config: Config;
  secrets: SecretBox;
  base: string;
  dataDir: string;
  demo: DemoClinic | undefined;
}): string {
  const { config, base, dataDir, demo } = o;
  const lines = [
    '',
    `Slotkeeper is listening on ${base}`,
    `  API docs:      ${base}/docs`,
    `  operator API:  ${config.ADMIN_TOKEN ? `on (${base}/api/v1/tenants, Authorization: Bearer $ADMIN_TOKEN)` : 'off; set ADMIN_TOKEN (32+ characters) and restart to create clinics over HTTP'}`,
    `  database:      ${running.embedded ? `embedded PostgreSQL, data in ${dataDir}/pgdata` : `DATABASE_URL (${safeDatabaseName(config.DATABASE_URL!)})`}`,
    `  redis:         ${config.REDIS_URL ? 'REDIS_URL (locks and cache shared between instances)' : 'none; this one process coordinates claims (set REDIS_URL to run several)'}`,
    `  sms:           ${config.TWILIO_ACCOUNT_SID ? 'Twilio (TWILIO_*; a clinic may have its own account)' : 'no Twilio account set (TWILIO_*): clinics without their own get a simulated phone, printed here'}`,
    `  data folder:   ${dataDir}`,
    `  CLI:           npx slotkeeper help; it finds this server through ${runtimeFile(dataDir)}`,
  ];
  if (demo) {
    const secret = demo.secret ?? '<the secret shown when the demo clinic was created>';
    lines.push(
      '',
      `  demo clinic webhook: ${base}/vapi/${demo.slug}`,
      `  demo clinic secret:  ${secret}`,
      `  demo dashboard:      ${signInLink(base, dashboardTokens(config, o.secrets), demo.tenantId, Date.now())}`,
      '',
      `  Watch a whole call (free times, hold, text code, booking): npx slotkeeper simulate-call ${demo.slug}`,
      '',
      '  Ask for free times:',
      `  curl -s ${base}/vapi/${demo.slug} -H 'Authorization: Bearer ${secret}' -H 'Content-Type: application/json' \\`,
      `    -d '{"message":{"type":"tool-calls","call":{"id":"demo-call","customer":{"number":"+16172531000"}},"toolCallList":[{"id":"tc1","type":"function","function":{"name":"check_availability","arguments":{"date":"tomorrow"}}}]}}'`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** host:port/database, without the user and password. */
function safeDatabaseName(url: string): string {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
}

function listenForSignals(): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // A signal to the process group reaches us more than once (npm, tsx and this process all get it).
    if (closing) return;
    closing = true;
    void shutdown(signal).then((clean) => process.exit(clean ? 0 : 1));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * Stops taking requests and finishes those in flight (fastify's close), which also stops the SMS dispatcher, the hold
 * sweeper, the call registry and the dashboard streams (their onClose hooks); then the pool, then the embedded
 * database. Each step runs even if an earlier one failed; a failure is one log line, never a stack trace.
 */
async function shutdown(reason: string): Promise<boolean> {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  say(`Slotkeeper: shutting down (${reason}).`);
  setTimeout(() => {
    say(`Slotkeeper: shutdown did not finish within ${SHUTDOWN_LIMIT_MS / 1000} s; leaving anyway.`);
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS).unref();
  let clean = true;
  const step = async (name: string, fn: (() => Promise<unknown>) | undefined) => {
    if (!fn) return;
    try {
      await fn();
    } catch (err) {
      clean = false;
      say(`Slotkeeper: ${name} failed while shutting down: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const { app, sql, embedded, dataDir } = running;
  await step('the HTTP server', app && (() => app.close()));
  await step('the database pool', sql && (() => sql.end({ timeout: 5 })));
  await step('the embedded database', embedded?.stop);
  if (dataDir) removeRuntime(dataDir);
  return clean;
}

main().catch(async (err) => {
  const known = err instanceof ConfigError || err instanceof EmbeddedPostgresError;
  console.error(known ? err.message : err);
  await shutdown('the start failed').catch(() => {});
  process.exit(1);
});
