// The webhook's limits are shared through Redis without a Redis round trip per request (src/plugins/rate-limit-counters.ts):
// far from a limit the instances add their counts in batches; near it every request asks Redis, so the limit is exact.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoClinic } from '../../src/tenants/demo-clinic.ts';
import { vapiClient } from '../../testkit/vapi.ts';
import { eventually } from '../helpers/calls.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { type PrivateRedis, privateRedis } from '../helpers/private-redis.ts';
import { type RunningServer, startServer } from '../helpers/server.ts';

const SECRET = 'rate-limit-batched-secret';
const LIMIT = 1600;
let db: TestDatabase;
let redis: PrivateRedis;
let client: Redis;
let tenantId: string;
let a: RunningServer;
let b: RunningServer;

beforeAll(async () => {
  redis = await privateRedis();
  client = new Redis(redis.url);
  db = await createTestDatabase();
  tenantId = await createDemoClinic(db.sql, { secret: SECRET });
  const env = {
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: 'sk-batch:',
    RATE_LIMIT_WEBHOOK_PER_TENANT: String(LIMIT),
    RATE_LIMIT_WEBHOOK_PER_IP: '1000000',
    RATE_LIMIT_WINDOW_SECONDS: '600',
  };
  [a, b] = await Promise.all([startServer(db.sql, { env }), startServer(db.sql, { env })]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  client?.disconnect();
  if (redis?.running()) await redis.stop();
  await db?.drop();
});

/** `total` pings, `burst` at a time, the bursts alternating between the two instances; their statuses. */
async function pings(total: number, burst: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let sent = 0; sent < total; sent += burst) {
    const server = (sent / burst) % 2 === 0 ? a : b;
    const vapi = vapiClient(server.url, 'demo', SECRET);
    const n = Math.min(burst, total - sent);
    const replies = await Promise.all(Array.from({ length: n }, () => vapi.post({ message: { type: 'hang' } })));
    statuses.push(...replies.map((r) => r.status));
  }
  return statuses;
}

const commandsProcessed = async () => Number(/total_commands_processed:(\d+)/.exec(await client.info('stats'))![1]);
const tenantCount = async () => Number((await client.get(`sk-batch:rate-limit:webhook-tenant:${tenantId}`)) ?? 0);

describe('the webhook limits, shared in batches', () => {
  it('count every request across instances with fewer Redis commands than requests', async () => {
    const before = await commandsProcessed();
    const statuses = await pings(400, 40);
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Counted in Redis once the last batch is added: every request, on whichever instance.
    await eventually(tenantCount, (n) => n === 400);
    // One script call per limit per request would be 800 commands; batched, far fewer.
    expect((await commandsProcessed()) - before).toBeLessThan(400);
  });

  it('hold the limit exactly across instances near it', async () => {
    const statuses = await pings(LIMIT, 40);
    const accepted = statuses.filter((s) => s === 200).length;
    // 400 were counted by the first test: exactly the rest of the limit passes, the others get 429.
    expect(accepted).toBe(LIMIT - 400);
    expect(statuses.filter((s) => s === 429).length).toBe(400);
    // Every request is counted, the refused ones too.
    expect(await tenantCount()).toBe(400 + LIMIT);
  });
});
