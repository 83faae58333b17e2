import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { migrate } from '../../src/db/migrate.ts';
import { SecretBox } from '../../src/security/secret-box.ts';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { createDatabase, type ScratchDatabase } from '../../testkit/databases.ts';
import { startFakeTwilio } from '../../testkit/fake-twilio.ts';
import { dropRedisPrefix, redisVersion } from '../../testkit/redis.ts';
import { loadNaiveSchema } from '../naive/database.ts';
import { selectScenarios } from '../scenarios/index.ts';
import type { BenchContext, BenchOptions, Endpoint, Scenario, ScenarioOutcome } from '../scenarios/scenario.ts';
import { CLINIC, createBenchClinic, FreeSlots, seedManyClinics, slotsAroundContention } from './bench-clinic.ts';
import { describeMachine } from './machine.ts';
import { PROJECT_ROOT, type ServiceProcess, startService } from './processes.ts';
import { type BenchResults, type ScenarioResult, writeResults } from './results.ts';

export interface BenchConfig extends BenchOptions {
  only?: string[];
  /** A PostgreSQL URL allowed to create and drop databases. */
  adminDatabaseUrl: string;
  /** Passed to the server under test when a Redis answers there. */
  redisUrl?: string;
  /** The benchmark databases are `<databaseName>` (Slotkeeper) and `<databaseName>_naive`; dropped afterwards. */
  databaseName: string;
  jsonPath: string;
  mdPath: string;
  /** Write a V8 CPU profile of the server under test into this folder. */
  profileDir?: string;
  log?: (line: string) => void;
}

/** Once, on first use: a scenario that needs no naive baseline never starts it. */
function lazily<T>(start: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | undefined;
  return () => (started ??= start());
}

export async function runBench(config: BenchConfig): Promise<BenchResults> {
  const log = config.log ?? (() => {});
  const selected = selectScenarios(config.only);
  const startedAt = new Date().toISOString();
  const redisUrl = config.redisUrl && (await redisVersion(config.redisUrl)) ? config.redisUrl : undefined;
  const cleanup: (() => Promise<unknown>)[] = [];
  // Runs last: the servers are stopped by then.
  if (redisUrl) cleanup.push(() => dropRedisPrefix(redisUrl, `${config.databaseName}:`));
  const twilio = await startFakeTwilio();
  cleanup.push(() => twilio.close());

  const adopt = async (db: ScratchDatabase, service: () => Promise<ServiceProcess>) => {
    cleanup.push(() => db.drop());
    const process = await service();
    cleanup.push(() => process.stop());
    return process;
  };

  // Compiled once per run (`npm run build`, into dist/), so the server under test is the JavaScript the Docker image
  // runs, not TypeScript through tsx (whose loader alone holds ≈ 75 MB).
  const build = lazily(() => promisify(execFile)('npm', ['run', 'build'], { cwd: PROJECT_ROOT }));

  /** Slotkeeper as an operator runs it, on a migrated database of its own (seeded by the caller). */
  const startSlotkeeper = async (db: ScratchDatabase, profile: boolean, settings: Record<string, string> = {}) => {
    await build();
    const dataDir = await mkdtemp(join(tmpdir(), 'slotkeeper-bench-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    return adopt(db, () =>
      startService(
        'dist/src/main.js',
        {
          DATABASE_URL: db.url,
          REDIS_URL: redisUrl ?? '',
          // Its own keys (cache, locks, replay records) in the shared Redis, like its own database.
          REDIS_KEY_PREFIX: `${config.databaseName}:`,
          PORT: '0',
          HOST: '127.0.0.1',
          PUBLIC_URL: '',
          // The default level: its cost is part of what is measured.
          LOG_LEVEL: 'info',
          SEED_DEMO: 'false',
          DATA_DIR: dataDir,
          SECRETS_KEY: SecretBox.generateKey(),
          // The bench measures the booking path, not the per-clinic and per-IP rate limits (one client, one clinic).
          RATE_LIMIT_WEBHOOK_PER_TENANT: '1000000000',
          RATE_LIMIT_WEBHOOK_PER_IP: '1000000000',
          TWILIO_ACCOUNT_SID: twilio.accountSid,
          TWILIO_AUTH_TOKEN: twilio.authToken,
          TWILIO_FROM_NUMBER: twilio.from,
          TWILIO_API_BASE_URL: twilio.url,
          ...settings,
        },
        { nodeFlags: profile && config.profileDir ? ['--cpu-prof', '--cpu-prof-dir', config.profileDir] : [] },
      ),
    );
  };

  const slotkeeper = lazily(async () => {
    const db = await createDatabase(config.adminDatabaseUrl, config.databaseName);
    await migrate(db.sql);
    const clinic = await createBenchClinic(db.sql);
    const withCodes = await createBenchClinic(db.sql, {
      slug: CLINIC.codesSlug,
      otpRequired: true,
      secret: clinic.secret,
    });
    // The demo clinic too (two providers, weekdays 9–5): check_availability's small-clinic case.
    const demoSecret = randomBytes(24).toString('base64url');
    await createDemoClinic(db.sql, { secret: demoSecret });
    const server = await startSlotkeeper(db, true);
    log(
      `slotkeeper under test at ${server.url} (database ${config.databaseName}${redisUrl ? `, Redis ${redisUrl}` : ', no Redis'})`,
    );
    return {
      url: `${server.url}/vapi/${clinic.slug}`,
      codesUrl: `${server.url}/vapi/${withCodes.slug}`,
      secret: clinic.secret,
      sql: db.sql,
      demo: { url: `${server.url}/vapi/demo`, secret: demoSecret },
    };
  });

  const manyClinics = lazily(async () => {
    const db = await createDatabase(config.adminDatabaseUrl, `${config.databaseName}_memory`);
    await migrate(db.sql);
    const t0 = Date.now();
    const seeded = await seedManyClinics(db.sql, config.memory);
    log(`seeded ${seeded.clinics} clinics, ${seeded.bookings} bookings in ${Math.round((Date.now() - t0) / 1000)} s`);
    const server = await startSlotkeeper(db, true, {
      HEAP_GROWTH_PERCENT: String(config.memory.heapGrowthPercent),
    });
    return { server: server.url, slugs: seeded.slugs, secret: seeded.secret, sql: db.sql, bookings: seeded.bookings };
  });

  const naiveFreeSlots = new FreeSlots();
  const naive = lazily(async () => {
    const db = await createDatabase(config.adminDatabaseUrl, `${config.databaseName}_naive`);
    await loadNaiveSchema(db.sql, [...naiveFreeSlots.all(), ...slotsAroundContention(config.contendedSlots)]);
    const secret = randomBytes(24).toString('base64url');
    const server = await adopt(db, () =>
      startService('bench/naive/server.ts', { DATABASE_URL: db.url, NAIVE_SECRET: secret, PORT: '0' }),
    );
    log(`naive baseline at ${server.url}`);
    return { url: `${server.url}/vapi/${CLINIC.slug}`, secret, sql: db.sql };
  });

  const baseline = lazily(async (): Promise<Endpoint> => {
    const server = await startService('bench/baseline-server.ts', { PORT: '0' });
    cleanup.push(() => server.stop());
    return { url: `${server.url}/vapi/${CLINIC.slug}`, secret: 'no-secret-checked' };
  });

  let callers = 0;
  const ctx: BenchContext = {
    options: config,
    baseline,
    slotkeeper,
    manyClinics,
    naive,
    twilio,
    freeSlots: new FreeSlots(),
    naiveFreeSlots,
    caller: () => {
      const n = callers++;
      return {
        callId: `bench-call-${n}`,
        toolCallId: `bench-tc-${n}`,
        customerNumber: `+1617${2_000_000 + (n % 7_000_000)}`,
      };
    },
  };

  try {
    const outcomes = new Map<string, ScenarioOutcome>();
    for (const scenario of selected) {
      log(`running ${scenario.name} (${config.seconds} s)`);
      outcomes.set(scenario.name, await scenario.run(ctx));
    }
    const results: BenchResults = {
      version: 1,
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: await describeMachine(config.adminDatabaseUrl, redisUrl),
      options: {
        seconds: config.seconds,
        warmupSeconds: config.warmupSeconds,
        connections: config.connections,
        contentionConnections: config.contentionConnections,
        contendedSlots: config.contendedSlots,
        phoneCalls: config.phoneCalls,
        pauseSeconds: config.pauseSeconds,
        seed: config.seed,
        memory: config.memory,
      },
      scenarios: selected.map((s) => judge(s, outcomes, config)),
    };
    await writeResults(results, config.jsonPath, config.mdPath);
    return results;
  } finally {
    for (const step of cleanup.reverse()) await step().catch((err) => log(`cleanup: ${err}`));
  }
}

/** A scenario's outcome with its ratio to its baseline (from the same run) and its targets. */
function judge(scenario: Scenario, outcomes: Map<string, ScenarioOutcome>, options: BenchOptions): ScenarioResult {
  const head = { name: scenario.name, title: scenario.title };
  const outcome = outcomes.get(scenario.name)!;
  if (outcome.status === 'skipped')
    return { ...head, status: 'skipped', reason: outcome.reason, targets: [], notes: [] };
  const base = scenario.baseline ? outcomes.get(scenario.baseline) : undefined;
  const ratio =
    base?.status === 'ok' && base.load.perSecond > 0 ? outcome.load.perSecond / base.load.perSecond : undefined;
  return {
    ...head,
    status: 'ok',
    throughput: outcome.throughput,
    load: outcome.load,
    steps: outcome.steps,
    doubleBookings: outcome.doubleBookings,
    baseline: ratio === undefined ? undefined : { scenario: scenario.baseline!, ratio: Math.round(ratio * 100) / 100 },
    targets: [...(scenario.targets?.(outcome, ratio, options) ?? []), ...(outcome.judged ?? [])],
    notes: outcome.notes ?? [],
  };
}
