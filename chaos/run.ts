// npm run chaos -- [--short] [--seed <n>]
// Three real instances (src/main.ts) on a PostgreSQL and a Redis of the suite's own, randomized claims and whole calls
// over HTTP while faults are injected one at a time; then the checker. Exits 1 on any finding, 2 on bad arguments,
// 3 when the run outlives its time limit. Everything it starts it stops, and its folders are removed; the history
// and the instances' logs are left in chaos/results/.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { connect, type Sql } from '../src/db/client.ts';
import { freePort } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { createDemoClinic } from '../src/tenants/demo-clinic.ts';
import { type FakeTwilio, startFakeTwilio } from '../testkit/fake-twilio.ts';
import { type ServerProcess, serverProcesses } from '../tests/helpers/instances.ts';
import { type PrivatePostgres, privatePostgres } from '../tests/helpers/private-postgres.ts';
import { type PrivateRedis, privateRedis } from '../tests/helpers/private-redis.ts';
import { check } from './checker.ts';
import { type Crash, FAULT_KINDS, type Fault, inject, startAgain } from './faults.ts';
import { CHAOS_SECRET, History } from './history.ts';
import { seeded } from './random.ts';
import { printReport } from './report.ts';
import { type FlowResult, operation, runCall, runClaim, startTimes, type TrafficDeps } from './traffic.ts';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
/** The clinic's hold time for the run: the shortest the schema allows, so holds left behind expire within it. */
const HOLD_TTL_SECONDS = 60;
const HOLD_SWEEP_INTERVAL_MS = 1000;

const PROFILES = {
  short: {
    escalations: true,
    faultsPerKind: 1,
    workers: 8,
    firstFaultMs: 5_000,
    gapMs: 6_000,
    tailMs: 5_000,
    vanishWindowMs: 15_000,
    days: 15,
    limitMs: 5 * 60_000,
  },
  full: {
    escalations: true,
    faultsPerKind: 3,
    workers: 16,
    firstFaultMs: 10_000,
    gapMs: 10_000,
    tailMs: 10_000,
    vanishWindowMs: 60_000,
    days: 25,
    limitMs: 20 * 60_000,
  },
};
const CALL_SHARE = 0.3;

const { values } = parseArgs({ options: { short: { type: 'boolean' }, seed: { type: 'string' } } });
const options = z
  .object({
    short: z.boolean().default(false),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
  })
  .safeParse(values);
if (!options.success) {
  console.error(`--seed must be a whole number from 0 to ${2 ** 32 - 1}.`);
  process.exit(2);
}
const short = options.data.short;
const profile = short ? PROFILES.short : PROFILES.full;
const seed = options.data.seed ?? Math.floor(Math.random() * 2 ** 32);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.error(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);

interface Started {
  postgres?: PrivatePostgres;
  redis?: PrivateRedis;
  twilio?: FakeTwilio;
  instances?: ServerProcess[];
  sql?: Sql;
  dataDir?: string;
}
const started: Started = {};

async function cleanUp(): Promise<void> {
  const { postgres, redis, twilio, instances, sql, dataDir } = started;
  await Promise.allSettled((instances ?? []).map((i) => i.stop()));
  await sql?.end({ timeout: 2 }).catch(() => {});
  if (redis?.running()) await redis.stop();
  await twilio?.close();
  await postgres?.destroy();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

async function run(): Promise<number> {
  const began = Date.now();
  log(`seed ${seed}${short ? ', short run' : ''}`);
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });

  const postgres = await privatePostgres();
  started.postgres = postgres;
  const admin = connect(postgres.adminUrl, { max: 1 });
  await admin.unsafe('create database slotkeeper');
  await admin.end();
  const databaseUrl = postgres.urlOf('slotkeeper');
  const sql = connect(databaseUrl, { max: 4 });
  started.sql = sql;
  await migrate(sql);
  await createDemoClinic(sql, { secret: CHAOS_SECRET });
  // One clinic takes the traffic of many here: its hourly cap on texted codes (a toll-fraud guard) must not end calls.
  await sql`update tenants set hold_ttl_seconds = ${HOLD_TTL_SECONDS}, otp_sends_per_hour = 10000`;
  const redis = await privateRedis();
  started.redis = redis;
  const twilio = await startFakeTwilio();
  started.twilio = twilio;
  started.dataDir = mkdtempSync(join(tmpdir(), 'slotkeeper-chaos-'));

  const crashes: Crash[] = [];
  let stopAt = Infinity;
  const ports = await Promise.all([0, 1, 2].map(() => freePort()));
  const logs = ports.map((_, i) => createWriteStream(join(RESULTS, `instance-${i}.log`)));
  const instances = serverProcesses(
    ports,
    {
      databaseUrl,
      redisUrl: redis.url,
      redisKeyPrefix: 'chaos:',
      extra: {
        DATA_DIR: started.dataDir,
        LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_FROM_NUMBER: twilio.from,
        TWILIO_API_BASE_URL: twilio.url,
        SMS_DISPATCH_INTERVAL_MS: '200',
        SMS_RETRY_BASE_MS: '200',
        HOLD_SWEEP_INTERVAL_MS: String(HOLD_SWEEP_INTERVAL_MS),
        // The suite is one client sending far more than one clinic's phone lines would: no rate limit in its way.
        RATE_LIMIT_WEBHOOK_PER_TENANT: '100000000',
        RATE_LIMIT_WEBHOOK_PER_IP: '100000000',
      },
    },
    {
      output: (i, chunk) => logs[i]!.write(chunk),
      // As a process manager would: note the crash, start it again.
      crashed: (i, why) => {
        crashes.push({ instance: i, at: Date.now(), why });
        log(`instance ${i} died on its own (${why.split('\n')[0]}); starting it again`);
        if (Date.now() < stopAt) void startAgain(instances[i]!);
      },
    },
  );
  started.instances = instances;
  await Promise.all(instances.map((i) => i.start()));
  log(
    `3 instances on ports ${ports.join(', ')}; PostgreSQL ${new URL(postgres.adminUrl).port}; Redis ${new URL(redis.url).port}`,
  );

  // Traffic: workers take the plan's operations in order until told to stop.
  const planRandom = seeded(seed);
  const history = new History(instances, seeded(seed + 1));
  const starts = startTimes(profile.days);
  const flows: FlowResult[] = [];
  const trafficStart = Date.now();
  let next = 0;
  const deps: TrafficDeps = {
    history,
    twilio,
    retryUntil: () => stopAt + 30_000,
    mayVanish: () => Date.now() < trafficStart + profile.vanishWindowMs,
  };
  const worker = async () => {
    while (Date.now() < stopAt) {
      const op = operation(planRandom, next++, starts, { callShare: CALL_SHARE, escalations: profile.escalations });
      flows.push(op.kind === 'claim' ? await runClaim(deps, op) : await runCall(deps, op));
    }
  };
  const workers = Promise.all(Array.from({ length: profile.workers }, worker));

  // Faults, one at a time, in an order and on instances the seed picks.
  const faultRandom = seeded(seed ^ 0x9e3779b9);
  const schedule = faultRandom.shuffle(
    FAULT_KINDS.flatMap((k) => Array.from({ length: profile.faultsPerKind }, () => k)),
  );
  const faults: Fault[] = [];
  await sleep(profile.firstFaultMs);
  for (const kind of schedule) {
    const fault = await inject(kind, faultRandom.int(instances.length), { instances, redis, postgres, history });
    faults.push(fault);
    const target = fault.instance === undefined ? '' : ` instance ${fault.instance}`;
    const back = fault.recoveredAt
      ? `all healthy ${fault.recoveredAt - fault.liftedAt} ms after lifting`
      : `NOT healthy within 30 s: ${fault.lastHealth?.join(' | ')}`;
    log(`${kind}${target}: ${back}; ${history.exchanges.length} requests so far`);
    await sleep(profile.gapMs);
  }
  await sleep(profile.tailMs);
  stopAt = Date.now();
  log('traffic stopping; waiting for the calls under way');
  await workers;
  const trafficMs = Date.now() - trafficStart;

  log('Twilio reports every text delivered; waiting for holds left behind to run out and texts to go');
  const reported = await reportDeliveries(twilio);
  await settle(sql);
  const result = await check({ exchanges: history.exchanges, flows, faults, crashes, sql, twilio });
  result.figures['delivery reports Twilio posted (answered 204)'] = reported;
  writeFileSync(join(RESULTS, 'history.jsonl'), `${history.exchanges.map((e) => JSON.stringify(e)).join('\n')}\n`);
  const summary = printReport({
    seed,
    short,
    trafficMs,
    totalMs: Date.now() - began,
    exchanges: history.exchanges,
    flows,
    faults,
    ...result,
  });
  writeFileSync(join(RESULTS, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  await Promise.all(logs.map((s) => new Promise((r) => s.end(r))));
  return result.findings.length > 0 ? 1 : 0;
}

/**
 * As Twilio does, a signed delivery report for each text, to the status-callback URL it came with: it settles a row
 * whose sender died (or lost the database) between handing the text over and recording it.
 */
async function reportDeliveries(twilio: FakeTwilio): Promise<number> {
  let answered = 0;
  for (const m of twilio.messages) {
    if ((await twilio.postStatus(m, 'delivered').catch(() => 0)) === 204) answered++;
  }
  return answered;
}

/**
 * Until no hold is active (the last one's time and a sweep or two) and the outbox has nothing due (reminders wait
 * for their time). A row left 'sending' by a crash is never sent again (at most once), so it is not waited for.
 */
async function settle(sql: Sql): Promise<void> {
  const deadline = Date.now() + (HOLD_TTL_SECONDS + 30) * 1000;
  while (Date.now() < deadline) {
    const [row] = await sql<{ held: number; unsent: number }[]>`
      select (select count(*)::int from bookings where status = 'held') as held,
             (select count(*)::int from sms_outbox where status = 'pending' and next_attempt_at <= now() and (send_after is null or send_after <= now())) as unsent`;
    if (row!.held === 0 && row!.unsent === 0) return;
    await sleep(500);
  }
}

const limit = setTimeout(() => {
  console.error(`The chaos run outlived its limit of ${profile.limitMs / 60_000} minutes; stopping everything.`);
  void cleanUp().finally(() => process.exit(3));
}, profile.limitMs);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
}

run()
  .then(
    async (code) => {
      await cleanUp();
      return code;
    },
    async (err) => {
      console.error(err);
      await cleanUp();
      return 1;
    },
  )
  .then((code) => {
    clearTimeout(limit);
    process.exit(code);
  });
