import { Redis } from 'ioredis';

/** A short-lived connection that gives up at once when no Redis answers. */
async function withRedis<T>(url: string, work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

/** The Redis version, or null when none answers (the server then runs without Redis). */
export async function redisVersion(url: string): Promise<string | null> {
  return withRedis(
    url,
    async (redis) => /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown',
  ).catch(() => null);
}

/** Deletes every key under `prefix` (a run's cache, locks and replay records), so runs leave the shared Redis clean. */
export async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  await withRedis(url, async (redis) => {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  });
}
