// A transaction whose connection is lost (PostgreSQL crashed, or ended the backend) fails as a whole, and nothing of it
// runs on. postgres.js 3.4.9 rejected such a transaction at once but left its statements still queued waiting forever,
// and withTenant returned while the transaction's body was still going; the chaos suite found a call that never
// answered again (tests/integration/step-connection-lost.test.ts). Fixed in patches/postgres+3.4.9.patch and
// src/db/tenant-scope.ts. And a transaction nobody finishes does not hold its locks for ever (src/db/client.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from '../../src/db/client.ts';
import { withTenant } from '../../src/db/tenant-scope.ts';
import { within as answerWithin } from '../helpers/calls.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let db: TestDatabase;
let sql: Sql;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = connect(db.url, { max: 2 });
});
afterAll(async () => {
  await sql.end();
  await db.drop();
});

const tenant = '00000000-0000-4000-8000-000000000001';

/** What a promise came to within `ms`: 'resolved', its error's code, or 'no answer'. */
const within = (ms: number, p: Promise<unknown>): Promise<unknown> =>
  answerWithin(
    ms,
    p.then(
      () => 'resolved',
      (err: { code?: string }) => err.code ?? 'rejected',
    ),
  );

/** A promise and its resolve (Node 20 has no Promise.withResolvers). */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const terminate = (pid: number) => db.sql`select pg_terminate_backend(${pid})`;

describe('a transaction whose connection is lost', () => {
  it('fails every statement still waiting to be sent, instead of leaving it unanswered', async () => {
    const own = connect(db.url, { max: 1 });
    let statements: Promise<unknown>[] = [];
    let pid = 0;
    const started = signal();
    const outcome = own.begin(async (tx) => {
      pid = (await tx<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]!.pid;
      // A statement new to the connection waits for its description before anything else is sent behind it: the
      // ones after it wait in the transaction's own queue.
      const fresh = (n: number) => tx.unsafe(`select $1::int as lost_${n}_${Date.now()}`, [n]).execute();
      statements = [tx`select pg_sleep(30)`.execute(), fresh(1), fresh(2), fresh(3)];
      for (const s of statements) s.catch(() => {});
      started.resolve();
      await Promise.all(statements);
    });
    outcome.catch(() => {});
    await started.promise;
    await terminate(pid);

    expect(await within(5000, outcome)).toMatch(/^(CONNECTION_CLOSED|57P01)$/);
    for (const s of statements) expect(await within(5000, s)).toMatch(/^(CONNECTION_CLOSED|57P01)$/);
    // The connection is not reconnected here: it was left with its last query running, and end() waited for that.
    expect(await within(5000, own.end())).toBe('resolved');
  });

  it('leaves nothing behind for the next transaction on the reconnected connection', async () => {
    const own = connect(db.url, { max: 1 });
    const pid = (await own<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]!.pid;
    const lost = own.begin((tx) => tx`select pg_sleep(30)`);
    lost.catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    await terminate(pid);
    expect(await within(5000, lost)).toMatch(/^(CONNECTION_CLOSED|57P01)$/);
    // PostgreSQL's "terminating connection" came in before the close; it failed the reconnection's first query.
    expect(await own.begin((tx) => tx<{ n: number }[]>`select 2 as n`)).toEqual([{ n: 2 }]);
    await own.end();
  });

  it('withTenant settles only once its body has, and the body cannot reach the lost transaction any more', async () => {
    const gate = signal();
    const order: string[] = [];
    let pid = 0;
    const inside = signal();
    const outcome = withTenant(sql, tenant, async (tx) => {
      pid = (await tx<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]!.pid;
      inside.resolve();
      await gate.promise; // awaiting something else than PostgreSQL (Redis, a pooled query) when the connection goes
      const after = await within(5000, tx`select 1`.execute());
      order.push(`body's next statement: ${String(after)}`);
    }).then(
      () => order.push('withTenant committed'),
      (err: { code?: string }) => order.push(`withTenant failed: ${err.code}`),
    );
    await inside.promise;
    await terminate(pid);
    await new Promise((r) => setTimeout(r, 300));
    order.push('gate opened');
    gate.resolve();
    await outcome;

    expect(order[0]).toBe('gate opened');
    expect(order[1]).toMatch(/^body's next statement: (CONNECTION_CLOSED|57P01)$/);
    expect(order[2]).toMatch(/^withTenant failed: (CONNECTION_CLOSED|57P01)$/);
    // The pool serves again.
    expect(await withTenant(sql, tenant, async (tx) => (await tx<{ n: number }[]>`select 1 as n`)[0]!.n)).toBe(1);
  });
});

describe('a transaction left idle', () => {
  it('is ended by PostgreSQL after the pool’s idle-in-transaction timeout, and its locks go with it', async () => {
    const own = connect(db.url, { max: 1, idleInTransactionMs: 500 });
    const key = `idle-${process.pid}`;
    const lost = own.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${key}))`;
      await new Promise((r) => setTimeout(r, 1500)); // forgotten, as a bug would forget it
      await tx`select 1`;
    });
    expect(await within(5000, lost)).toMatch(/^(CONNECTION_CLOSED|25P03)$/);
    // Another session gets the lock at once.
    const [got] = await db.sql.begin(
      (tx) => tx<{ got: boolean }[]>`select pg_try_advisory_xact_lock(hashtext(${key})) as got`,
    );
    expect(got!.got).toBe(true);
    await own.end();
  });
});

describe('a transaction whose body goes on after it ended', () => {
  it('fails the statements the body sends later, instead of running them in the next transaction on its connection', async () => {
    const own = connect(db.url, { max: 1 });
    const gate = signal();
    const later = signal();
    let leaked: unknown;
    // The clinic's scope cannot be entered: the transaction rolls back at once while its body is still waiting.
    const failed = withTenant(own, 'not-a-clinic', async (tx) => {
      await gate.promise;
      leaked = await within(5000, tx<{ t: string }[]>`select current_setting('app.tenant_id', true) as t`.execute());
      later.resolve();
    });
    const failure = within(5000, failed);
    // The pool's one connection goes to another clinic's transaction, which is still open when the body goes on.
    const other = withTenant(own, tenant, async (tx) => {
      await tx`select 1`;
      gate.resolve();
      await later.promise;
      return (await tx<{ t: string }[]>`select current_setting('app.tenant_id', true) as t`)[0]!.t;
    });
    expect(await failure).toBe('22P02'); // not a uuid
    expect(leaked).toBe('TRANSACTION_ENDED');
    expect(await other).toBe(tenant);
    await own.end();
  });
});
