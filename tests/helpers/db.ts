import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connect, type Sql } from '../../src/db/client.ts';
import { createDatabase, type ScratchDatabase } from '../../testkit/databases.ts';

export type TestDatabase = ScratchDatabase;

/** A fresh database cloned from the migrated template: each test file works alone, files run in parallel. */
export function createTestDatabase(): Promise<TestDatabase> {
  const name = `sk_t_${inject('runId')}_${randomBytes(4).toString('hex')}`;
  return createDatabase(inject('databaseUrl'), name, { template: inject('templateDatabase'), max: 30 });
}

export { overlappingPairs } from '../../src/db/queries/bookings.ts';

/**
 * What `work` returns, and how many rows PostgreSQL read from `table` meanwhile (index entries and sequential scans,
 * from its own statistics): a query's cost that no timing noise hides. The work gets a pool of one connection, so
 * the statistics that connection flushes are the work's own.
 */
export async function rowsReadDuring<T>(
  url: string,
  table: string,
  work: (sql: Sql) => Promise<T>,
): Promise<{ value: T; read: number }> {
  const sql = connect(url, { max: 1 });
  const rowsRead = async () => {
    // Flushed as the statement ends, so the next one (a transaction of its own) sees it.
    await sql`select pg_stat_force_next_flush()`;
    const [row] = await sql<{ n: string }[]>`
      select (select coalesce(sum(idx_tup_read), 0) from pg_stat_user_indexes where relname = ${table})
           + (select coalesce(seq_tup_read, 0) from pg_stat_user_tables where relname = ${table}) as n`;
    return Number(row!.n);
  };
  try {
    const before = await rowsRead();
    const value = await work(sql);
    return { value, read: (await rowsRead()) - before };
  } finally {
    await sql.end();
  }
}
