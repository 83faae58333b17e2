import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, type ScratchDatabase } from '../../testkit/databases.ts';

export type TestDatabase = ScratchDatabase;

/** A fresh database cloned from the migrated template: each test file works alone, files run in parallel. */
export function createTestDatabase(): Promise<TestDatabase> {
  const name = `sk_t_${inject('runId')}_${randomBytes(4).toString('hex')}`;
  return createDatabase(inject('databaseUrl'), name, { template: inject('templateDatabase'), max: 30 });
}

export { overlappingPairs } from '../../src/db/queries/bookings.ts';
