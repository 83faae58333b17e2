// Redis dies in the middle of a claim storm and comes back: nothing fails, nothing overlaps, everything recovers.
// A private redis-server, so the shared one on 6379 is never touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { claimStorm } from '../helpers/claim-storm.ts';
import { createTestDatabase, overlappingPairs, type TestDatabase } from '../helpers/db.ts';
import { health, type Instance, type Instances, metric, startInstances } from '../helpers/instances.ts';
import { type PrivateRedis, privateRedis } from '../helpers/private-redis.ts';
import { futureWeekday, iso, weekdayAfter } from '../helpers/time.ts';

const SECRET = 'coordinator-outage-secret-01';
let db: TestDatabase;
let cluster: Instances;
let redis: PrivateRedis;

/** Asks until the answer satisfies `done` (no timing asserted: a deadline only keeps a broken run from hanging). */
async function until<T>(ask: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await ask();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sum = async (instances: Instance[], name: string, labels: Record<string, string>) => {
  let total = 0;
  for (const instance of instances) total += await metric(instance, name, labels);
  return total;
};

beforeAll(async () => {
  redis = await privateRedis();
  db = await createTestDatabase();
  // The claim path alone: book_appointment books at once where the clinic needs no code.
  await createDemoClinic(db.sql, { secret: SECRET, otpRequired: false });
  cluster = await startInstances(3, { databaseUrl: db.url, redisUrl: redis.url, redisKeyPrefix: 'sk-outage:' });
});
afterAll(async () => {
  await cluster?.close();
  if (redis?.running()) await redis.stop();
  await db?.drop();
});

describe('Redis stopped halfway through 2,000 concurrent claims, then started again', () => {
  it('answers every caller, never overlaps, reports degraded meanwhile and recovers by itself', async () => {
    const [first] = cluster.list;
    expect(await health(first!)).toMatchObject({ status: 'ok', redis: 'up' });

    let outage: Promise<{ during: unknown }> | undefined;
    let restarted: () => void = () => {};
    const restart = new Promise<void>((r) => (restarted = r));
    const day = futureWeekday('10:00', 3);
    const replies = await claimStorm({
      instances: cluster.list,
      secret: SECRET,
      total: 2000,
      concurrency: 200,
      starts: [0, 15, 30, 45, 240, 270].map((m) => day.plus({ minutes: m })),
      providers: ['Moreno', 'Okafor', undefined],
      onAnswered: (answered) => {
        if (answered === 1000) {
          outage = (async () => {
            await redis.stop();
            const during = await until(
              () => health(first!),
              (h) => h.redis === 'down',
            );
            await restart;
            await redis.start();
            return { during };
          })();
        }
        if (answered === 1500) restarted();
      },
    });
    const { during } = await outage!;

    expect(during).toMatchObject({ status: 'degraded', database: 'up', redis: 'down' });
    expect(replies.filter((r) => r.status !== 'booked' && r.status !== 'unavailable')).toEqual([]);
    expect(await overlappingPairs(db.sql)).toBe(0);
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from bookings where status = 'confirmed'`;
    expect(row!.n).toBe(replies.filter((r) => r.status === 'booked').length);
    expect(await sum(cluster.list, 'slotkeeper_redis_degraded_total', {})).toBeGreaterThan(0);

    // Back by itself: healthy again, and the next claims take the Redlock lock again.
    for (const instance of cluster.list)
      expect(
        await until(
          () => health(instance),
          (h) => h.status === 'ok',
        ),
      ).toMatchObject({ status: 'ok', redis: 'up' });
    const lockedBefore = await sum(cluster.list, 'slotkeeper_claims_total', { path: 'locked' });
    // A day of its own: futureWeekday('…', 4) is the storm's Monday when today is a Wednesday or a Thursday.
    const later = weekdayAfter(day).set({ hour: 11, minute: 0 });
    for (const [n, provider] of [
      [0, 'Moreno'],
      [1, 'Okafor'],
    ] as const) {
      const reply = await vapiClient(cluster.list[n]!.url, 'demo', SECRET).tool('book_appointment', {
        start: iso(later),
        patient_name: 'Ann Lee',
        provider,
      });
      expect(reply.status).toBe('booked');
    }
    expect(await sum(cluster.list, 'slotkeeper_claims_total', { path: 'locked' })).toBe(lockedBefore + 2);
  });
});
