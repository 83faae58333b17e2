// Makes sure the real PostgreSQL and Redis the tests need are there, and prepares a migrated template database
// that every test file clones into its own database.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { connect } from '../../src/db/client.ts';
import { freePort, startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { FUNCTIONS_DIR, MIGRATIONS_DIR, migrate } from '../../src/db/migrate.ts';
import { redisVersion } from '../../testkit/redis.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    templateDatabase: string;
    redisUrl: string;
    runId: string;
  }
}

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

async function postgresAnswers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function ensureRedis(): Promise<{ url: string; stop?: () => void }> {
  const url = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  if (await redisVersion(url)) return { url };
  if (!onPath('redis-server')) {
    throw new Error(
      `No Redis answers at ${url} and redis-server is not installed. Start one (redis-server --port 6379 --save ""), ` +
        'install it (apt-get install redis-server), or set REDIS_URL.',
    );
  }
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const privateUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await redisVersion(privateUrl)); i++) await new Promise((r) => setTimeout(r, 100));
  return { url: privateUrl, stop: () => child.kill() };
}

async function ensurePostgres(): Promise<{ url: string; stop?: () => Promise<void> }> {
  const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (await postgresAnswers(url)) return { url };
  const dir = mkdtempSync(join(tmpdir(), 'slotkeeper-test-pg-'));
  chmodSync(dir, 0o755); // as root, the embedded cluster runs as the OS user 'postgres', who must reach its folder
  const embedded = await startEmbeddedPostgres(dir);
  return { url: embedded.url, stop: embedded.stop };
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const dir of [MIGRATIONS_DIR, FUNCTIONS_DIR]) {
    for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  }
  return hash.digest('hex').slice(0, 12);
}

async function prepareTemplate(adminUrl: string): Promise<string> {
  const name = `sk_tpl_${migrationsHash()}`;
  const admin = connect(adminUrl, { max: 1 });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${name}`;
    if (exists) return name;
    const building = `${name}_build_${randomBytes(3).toString('hex')}`;
    await admin.unsafe(`create database "${building}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${building}`;
    const db = connect(url.toString(), { max: 1 });
    await migrate(db);
    await db.end();
    // Renamed only once complete, so an interrupted run never leaves a half-migrated template behind.
    await admin.unsafe(`alter database "${building}" rename to "${name}"`);
    return name;
  } finally {
    await admin.end();
  }
}

export default async function setup(project: TestProject) {
  const [pg, redis] = await Promise.all([ensurePostgres(), ensureRedis()]);
  const template = await prepareTemplate(pg.url);
  const runId = randomBytes(4).toString('hex');
  project.provide('databaseUrl', pg.url);
  project.provide('templateDatabase', template);
  project.provide('redisUrl', redis.url);
  project.provide('runId', runId);

  return async () => {
    const admin = connect(pg.url, { max: 1 });
    const left = await admin<
      { datname: string }[]
    >`select datname from pg_database where datname like ${`sk_t_${runId}_%`}`;
    for (const { datname } of left) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    // Login roles a test made for itself (tests/integration/webhook-rls.test.ts); their databases are gone already.
    const roles = await admin<
      { rolname: string }[]
    >`select rolname from pg_roles where rolname like ${`sk_app_${runId}_%`}`;
    for (const { rolname } of roles) await admin.unsafe(`drop role if exists "${rolname}"`);
    await admin.end();
    redis.stop?.();
    await pg.stop?.();
  };
}
