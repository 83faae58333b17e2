// PostgreSQL refusing this server's connections ("too many clients", a fail-over under way) is an outage, not a bug:
// every webhook request still gets a clear answer — a 503 with Retry-After and a sentence, never a bare 500 — and
// the same requests are answered normally once connections are accepted again. The fault is real: the server
// connects as a role of its own, and the test sets that role's connection limit to 0 (PostgreSQL then refuses it
// with SQLSTATE 53300, as it does when max_connections is reached) and ends the connections it had.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Sql } from '../../src/db/client.ts';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { endOfCallReportBody, toolCallsBody, vapiCall } from '../../testkit/vapi.ts';
import { eventually } from '../helpers/calls.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';

const SECRET = 'database-unavailable-secret';
const role = `sk_app_${inject('runId')}_${randomBytes(4).toString('hex')}`;
let db: TestDatabase;
let appSql: Sql;
let server: RunningServer;

beforeAll(async () => {
  db = await createTestDatabase();
  await createDemoClinic(db.sql, { secret: SECRET });
  const password = randomBytes(12).toString('hex');
  // Not a superuser: PostgreSQL enforces connection limits on other roles only.
  await db.sql.unsafe(`create role ${role} login password '${password}' nosuperuser bypassrls noinherit`);
  await db.sql.unsafe(`grant slotkeeper_tenant to ${role}`);
  await db.sql.unsafe(`grant usage on schema public to ${role}`);
  await db.sql.unsafe(`grant select, insert, update, delete on all tables in schema public to ${role}`);
  await db.sql.unsafe(`grant usage, select on all sequences in schema public to ${role}`);
  const url = new URL(db.url);
  url.username = role;
  url.password = password;
  appSql = connect(url.toString(), { max: 4 });
  server = await startServer(appSql);
});
afterAll(async () => {
  await server?.close();
  await appSql?.end({ timeout: 5 });
  await db?.drop();
  const admin = connect(inject('databaseUrl'), { max: 1 });
  await admin.unsafe(`drop role if exists ${role}`);
  await admin.end();
});

const post = async (body: unknown) => {
  const res = await fetch(`${server.url}/vapi/demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: await res.json() };
};
const checkAvailability = () =>
  post(toolCallsBody([{ id: 'db-down-tc', name: 'check_availability', args: {} }], { callId: 'db-down-call' }));
const report = () => post(endOfCallReportBody({ endedReason: 'customer-ended-call' }, vapiCall('db-down-call', null)));

const refuseConnections = async () => {
  await db.sql.unsafe(`alter role ${role} connection limit 0`);
  await db.sql`select pg_terminate_backend(pid) from pg_stat_activity where usename = ${role}`;
};
const acceptConnections = () => db.sql.unsafe(`alter role ${role} connection limit -1`);
const saysRetry = (res: Awaited<ReturnType<typeof post>>) => {
  expect(res.status).toBe(503);
  expect(Number(res.retryAfter)).toBeGreaterThan(0);
  expect(res.json.error).toMatch(/database.*retry/i);
};

describe('PostgreSQL refusing the server its connections', () => {
  it('before the clinic is known: 503 with Retry-After and a sentence; normal answers once it accepts again', async () => {
    await refuseConnections();
    saysRetry(await checkAvailability());
    saysRetry(await report());

    await acceptConnections();
    const res = await eventually(checkAvailability, (r) => r.status === 200);
    expect(res.json.results[0].result).toBeDefined();
  });

  it('a report the server cannot store: 503, so Vapi sends it again', async () => {
    await refuseConnections();
    saysRetry(await report());
    await acceptConnections();
    expect((await eventually(report, (r) => r.status === 200)).json).toEqual({});
  });
});
