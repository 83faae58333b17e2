// Two round trips fewer per transaction (docs/performance.md, item 19): patches/postgres+3.4.9.patch makes postgres.js
// write a transaction's first statements behind its BEGIN instead of waiting for BEGIN's answer, and withCommit
// (src/db/tenant-scope.ts) writes the COMMIT behind the last statement. What that must not change: each transaction
// keeps its own connection, also when many wait for a small pool, and a failure anywhere rolls the whole one back.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from '../../src/db/client.ts';
import { withCommit, withTenant } from '../../src/db/tenant-scope.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';

let db: TestDatabase;
let sql: Sql;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = connect(db.url, { max: 3 });
  await db.sql`create table pipelined_begin (n int primary key)`;
  // Written inside a tenant's scope (withTenant) as well.
  await db.sql`grant insert, select on pipelined_begin to slotkeeper_tenant`;
});
afterAll(async () => {
  await sql.end();
  await db.drop();
});

/** Socket writes made by the pool while `run` works (writes of one turn of the event loop go out as one). */
async function socketWrites(run: () => Promise<unknown>): Promise<number> {
  const write = net.Socket.prototype.write;
  let writes = 0;
  net.Socket.prototype.write = function (this: net.Socket, ...args: Parameters<net.Socket['write']>) {
    writes++;
    return write.apply(this, args);
  } as net.Socket['write'];
  try {
    await run();
  } finally {
    net.Socket.prototype.write = write;
  }
  return writes;
}

describe('a transaction whose first statement is pipelined behind BEGIN', () => {
  it('sends BEGIN and that statement in one write: two writes for BEGIN, a statement and COMMIT', async () => {
    const tx = () => sql.begin((t) => t`select ${1}::int as one`);
    await Promise.all([tx(), tx(), tx()]); // every pooled connection open, the statement prepared on each
    expect(await socketWrites(tx)).toBe(2);
  });

  it('keeps 200 transactions waiting for 3 connections apart: each sees only its own settings and rows', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        sql.begin(async (tx) => {
          const scoped = tx`select set_config('app.pipelined', ${String(i)}, true)`.execute();
          // Set local: it would be gone by the next statement were they not in one transaction.
          const [row] = await tx<{ mine: string }[]>`select current_setting('app.pipelined', true) as mine`;
          await scoped;
          await tx`insert into pipelined_begin values (${i})`;
          return row!;
        }),
      ),
    );
    expect(outcomes.map((row) => row.mine)).toEqual(outcomes.map((_, i) => String(i)));
    const [count] = await db.sql<{ n: number }[]>`select count(*)::int as n from pipelined_begin`;
    expect(count!.n).toBe(200);
  });

  it('rolls the whole transaction back when its first statement fails', async () => {
    await expect(
      sql.begin(async (tx) => {
        const first = tx`insert into pipelined_begin values (1000)`.execute();
        await tx`select 1 / 0`;
        await first;
      }),
    ).rejects.toMatchObject({ code: '22012' });
    const rows = await db.sql`select 1 from pipelined_begin where n = 1000`;
    expect(rows.length).toBe(0);
    // The connection went back to the pool clean: the next transaction works.
    expect(await sql.begin((tx) => tx`select 2 as two`)).toEqual([{ two: 2 }]);
  });
});

describe('a last statement sent with its COMMIT (withCommit)', () => {
  const tenant = '00000000-0000-4000-8000-000000000001';
  const insert = (n: number) =>
    withTenant(sql, tenant, async (tx) => {
      await tx`insert into pipelined_begin values (${n})`;
      return withCommit(
        tx<{ n: number }[]>`insert into pipelined_begin values (${n + 1}) returning n`.execute().then(([r]) => r!.n),
      );
    });
  const stored = async (...ns: number[]) =>
    (await db.sql<{ n: number }[]>`select n from pipelined_begin where n in ${db.sql(ns)} order by n`).map((r) => r.n);

  it("commits both statements and resolves to the last one's answer, in one write fewer", async () => {
    await Promise.all([insert(2000), insert(2002), insert(2004)]); // the statements prepared on every connection
    const writes = await socketWrites(async () => expect(await insert(2010)).toBe(2011));
    // BEGIN + scope + first insert, then the last insert + COMMIT.
    expect(writes).toBe(2);
    expect(await stored(2010, 2011)).toEqual([2010, 2011]);
  });

  it('rolls everything back and rejects with its error when the last statement fails', async () => {
    await db.sql`insert into pipelined_begin values (2021)`; // the last insert of the next transaction collides
    await expect(insert(2020)).rejects.toMatchObject({ code: '23505' });
    expect(await stored(2020)).toEqual([]);
    expect(await sql.begin((tx) => tx`select 3 as three`)).toEqual([{ three: 3 }]);
  });
});
