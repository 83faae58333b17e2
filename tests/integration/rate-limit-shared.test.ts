// With Redis, a clinic's webhook limit is one limit across instances; without Redis each instance still limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { metric } from '../helpers/instances.ts';
import { type PrivateRedis, privateRedis } from '../helpers/private-redis.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';

const SECRET = 'rate-limit-shared-secret-1';
let db: TestDatabase;
let redis: PrivateRedis;
let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  redis = await privateRedis();
  db = await createTestDatabase();
  await createDemoClinic(db.sql, { secret: SECRET });
  const env = {
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: 'sk-rate:',
    RATE_LIMIT_WEBHOOK_PER_TENANT: '4',
    RATE_LIMIT_WINDOW_SECONDS: '60',
  };
  [a, b] = await Promise.all([startServer(db.sql, { env }), startServer(db.sql, { env })]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  if (redis?.running()) await redis.stop();
  await db?.drop();
});

const ping = async (server: RunningServer) =>
  (await vapiClient(server.url, 'demo', SECRET).post({ message: { type: 'hang' } })).status;

describe('rate limits across instances', () => {
  it('count a clinic once however its requests are spread, and fall back to each instance’s own count without Redis', async () => {
    const spread = [];
    for (const server of [a, b, a, b, a, b]) spread.push(await ping(server));
    // Four in the window in all; counted per instance, all six would have passed.
    expect(spread).toEqual([200, 200, 200, 200, 429, 429]);

    await redis.stop();
    const alone = [];
    for (let i = 0; i < 5; i++) alone.push(await ping(a));
    // Nothing failed for Redis's sake, and the limit still held, counted in this instance's memory.
    expect(alone).toEqual([200, 200, 200, 200, 429]);
    expect(await metric(a, 'slotkeeper_redis_degraded_total', { operation: 'rate_limit' })).toBeGreaterThanOrEqual(5);
  });
});
