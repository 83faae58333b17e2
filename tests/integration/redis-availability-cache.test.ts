// A booking change reaches the shared availability cache and the other instances in one Redis command
// (src/redis/scripts/invalidate-days.lua), on the real Redis: the entries are gone and their versions bumped before
// the announcement can be heard, and the client sends nothing else. It used to send a MULTI of three commands per
// provider-day and a separate PUBLISH, two writes on every claim's path.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisAvailabilityCache } from '../../src/coordinator/redis-availability-cache.ts';

const prefix = `sk-cache-test-${randomBytes(4).toString('hex')}:`;
const channel = `${prefix}booking-changes`;
const booking = { start: 1, end: 2, expiresAt: null, callId: null };
let client: Redis;
let readerClient: Redis;
let subscriber: Redis;
let monitor: Redis;

beforeAll(async () => {
  client = new Redis(inject('redisUrl'));
  readerClient = new Redis(inject('redisUrl'));
  subscriber = new Redis(inject('redisUrl'));
  await subscriber.subscribe(channel);
});
afterAll(async () => {
  monitor?.disconnect();
  subscriber.disconnect();
  readerClient.disconnect();
  const keys = await client.keys(`${prefix}*`);
  if (keys.length) await client.del(...keys);
  client.disconnect();
});

describe('invalidating the shared availability cache', () => {
  it('forgets the provider-days and announces the change in one command, the entries gone before it is heard', async () => {
    const cache = new RedisAvailabilityCache(client, prefix, 60_000);
    // Another instance's view of the same cache.
    const reader = new RedisAvailabilityCache(readerClient, prefix, 60_000);
    const days = ['tenant/provider/2027-01-04', 'tenant/provider/2027-01-05'];
    const seen = await cache.read(days);
    await cache.fill(days.map((key, i) => ({ key, value: [booking], stamp: seen.stamps[i]! })));
    expect((await cache.read(days)).values).toEqual([[booking], [booking]]);
    // Once, so that the script is known to Redis and the measured call is the steady state (EVALSHA alone).
    await cache.invalidate(['tenant/provider/warm-up'], { channel: `${channel}-warm-up`, message: '{}' });

    const { addr } = Object.fromEntries(
      String(await client.client('INFO'))
        .trim()
        .split(' ')
        .map((pair) => pair.split('=') as [string, string]),
    ) as { addr: string };
    monitor = await new Redis(inject('redisUrl')).monitor();
    const sent: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source === addr) sent.push(args[0]!.toLowerCase());
    });
    const heard = new Promise<{ message: string; values: unknown[] }>((resolve) =>
      subscriber.once('message', (_channel: string, message: string) => {
        // Read by the other instance the moment the announcement arrives.
        void reader.read(days).then(({ values }) => resolve({ message, values }));
      }),
    );

    await cache.invalidate(days, { channel, message: '{"change":1}' });
    await expect(heard).resolves.toEqual({ message: '{"change":1}', values: [undefined, undefined] });
    // MONITOR reports a command as it runs; the client's own PING marks the end of what it sent.
    await client.ping();
    await expect.poll(() => sent.at(-1)).toBe('ping');
    expect(sent).toEqual(['evalsha', 'ping']);

    // A read from before the change may not put its old bookings back.
    await cache.fill(days.map((key, i) => ({ key, value: [booking], stamp: seen.stamps[i]! })));
    expect((await cache.read(days)).values).toEqual([undefined, undefined]);
  });
});
