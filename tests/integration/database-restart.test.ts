// PostgreSQL going away under a transaction (a crash, a fail-over) fails that transaction and nothing else: the
// process lives on and the pool works again once the server is back. A PostgreSQL of the test's own, since it is
// stopped the hard way (`pg_ctl stop -m immediate`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from '../../src/db/client.ts';
import { type PrivatePostgres, privatePostgres } from '../helpers/private-postgres.ts';

let pg: PrivatePostgres;
let sql: Sql;

beforeAll(async () => {
  pg = await privatePostgres();
  sql = connect(pg.adminUrl, { max: 3 });
});
afterAll(async () => {
  await sql?.end({ timeout: 1 });
  await pg?.destroy();
});

describe('PostgreSQL restarted immediately while transactions run', () => {
  it('rejects the transactions under way, keeps the process alive, and serves again after the restart', async () => {
    // Some transactions are mid-query when the server dies, others wait for a connection. postgres.js 3.4.9 then
    // wrote each ROLLBACK to a closed socket from a setImmediate: an uncaught TypeError that ended the process.
    const started: number[] = [];
    const outcomes = Array.from({ length: 6 }, (_, i) =>
      sql
        .begin(async (tx) => {
          await tx`select 1`;
          started.push(i);
          await tx`select pg_sleep(60)`;
        })
        .then(
          () => 'committed',
          (err: { code?: string }) => err.code,
        ),
    );
    while (started.length < 3) await new Promise((r) => setTimeout(r, 20)); // the pool's 3 connections are mid-query
    await pg.crash();

    const codes = await Promise.all(outcomes);
    expect(codes.filter((c) => c === 'committed')).toEqual([]);
    for (const code of codes) expect(code).toMatch(/^(CONNECTION_CLOSED|CONNECT_TIMEOUT|ECONNREFUSED|57P01)$/);

    await pg.start();
    const after = await Promise.all(
      Array.from({ length: 6 }, (_, i) => sql.begin((tx) => tx<{ n: number }[]>`select ${i}::int as n`)),
    );
    expect(after.map((rows) => rows[0]!.n)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
