import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import LocalStore from '@fastify/rate-limit/store/LocalStore.js';
import type { Redis } from 'ioredis';

type Incr = FastifyRateLimitStore['incr'];
type Done = Parameters<Incr>[1];

/** How long counts made here wait before they are added to Redis together. */
const FLUSH_MS = 20;
/**
 * The most of a limit one instance counts before telling Redis. With the count heard from Redis under half the limit,
 * eight instances each holding this much back cannot carry a window past its limit.
 */
const LOCAL_SHARE = 1 / 16;
/** Keys remembered here; beyond it the oldest settled ones are forgotten (their counts are in Redis). */
const MAX_KEYS = 20_000;

interface Counter {
  /** Counted here and not yet added to Redis. */
  local: number;
  /** What Redis said the window's count was at its last answer (every instance's counts added so far). */
  shared: number;
  resetAt: number;
  windowMs: number;
}

/**
 * Counters shared by every instance through Redis, so a clinic's limit is one limit however many instances the load
 * balancer spreads its calls over — without a Redis round trip on most requests. While a key's count, as last heard
 * from Redis plus what this instance counted since, is under half its limit, and this instance has counted less than a
 * sixteenth of the limit since it last told Redis, a request is counted here and answered at once; the counts are
 * added to Redis together every FLUSH_MS (one pipelined write for every key). Otherwise the request asks Redis and
 * waits for the shared count, so a limit is exact where it matters — near it, and always for small limits (under 16)
 * — and up to eight instances cannot overshoot it. While Redis is unreachable each instance counts in its own memory:
 * a limit per instance rather than none, and no request refused for Redis's sake.
 *
 * Written here rather than taken from @fastify/rate-limit (whose RedisStore is one script call per request, two per
 * webhook request with its per-IP and per-clinic limits): nothing published batches counts this way. Needs Redis 7
 * (`PEXPIRE … NX`). The plugin's continueExceeding and exponentialBackoff are not used by Slotkeeper's limiters and
 * not supported.
 */
export function sharedCounters(redis: Redis, prefix: string, degraded: () => void): new () => FastifyRateLimitStore {
  const counters = new BatchedCounters(redis, `${prefix}rate-limit:`, degraded);
  return class SharedCounters {
    incr: Incr = (key, done, timeWindow, max) => counters.incr(key, done, timeWindow, max);
    child(): FastifyRateLimitStore {
      return new SharedCounters();
    }
  };
}

class BatchedCounters {
  private readonly counters = new Map<string, Counter>();
  private readonly local = new LocalStore(false, false);
  private flushing: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly degraded: () => void,
  ) {}

  incr(key: string, done: Done, windowMs: number, max: number): void {
    // The client fails commands at once while disconnected; asking first saves building them.
    if (this.redis.status !== 'ready') return this.locally(key, done, windowMs, max);
    const now = Date.now();
    const c = this.counter(key, now, windowMs);
    if (c.local + 1 <= max * LOCAL_SHARE && (c.shared + c.local + 1) * 2 <= max) {
      c.local++;
      this.flushing ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
      done(null, { current: c.shared + c.local, ttl: c.resetAt - now });
      return;
    }
    const n = c.local + 1;
    c.local = 0;
    this.add([[key, n]]).then(
      ([heard]) => done(null, heard!),
      () => {
        c.local += n - 1;
        this.locally(key, done, windowMs, max);
      },
    );
  }

  private locally(key: string, done: Done, windowMs: number, max: number): void {
    this.degraded();
    this.local.incr(key, done, windowMs, max);
  }

  private counter(key: string, now: number, windowMs: number): Counter {
    let c = this.counters.get(key);
    if (!c || (c.resetAt <= now && c.local === 0)) {
      c = { local: 0, shared: 0, resetAt: now + windowMs, windowMs };
      this.counters.delete(key);
      this.counters.set(key, c);
      if (this.counters.size > MAX_KEYS) this.forgetSettled(now);
    }
    return c;
  }

  /** The counts made here since the last flush, added to Redis in one pipelined write. */
  private flush(): void {
    this.flushing = undefined;
    const pending = [...this.counters.entries()].filter(([, c]) => c.local > 0);
    const counts = pending.map(([key, c]): [string, number] => [key, c.local]);
    for (const [, c] of pending) c.local = 0;
    this.add(counts).catch(() => {
      // Redis went away: the counts stay here, where the local fallback keeps limiting meanwhile.
      for (const [i, [, c]] of pending.entries()) c.local += counts[i]![1];
      this.degraded();
    });
  }

  /** Adds counts in Redis (the window starts with a key's first count) and learns each key's shared count. */
  private async add(counts: [string, number][]): Promise<{ current: number; ttl: number }[]> {
    if (counts.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const [key, n] of counts) {
      const k = this.prefix + key;
      pipeline.incrby(k, n).pexpire(k, this.counters.get(key)!.windowMs, 'NX').pttl(k);
    }
    const replies = (await pipeline.exec()) ?? [];
    const now = Date.now();
    return counts.map(([key], i) => {
      const [incrErr, current] = replies[3 * i] ?? [new Error('no reply')];
      const [ttlErr, ttl] = replies[3 * i + 2] ?? [new Error('no reply')];
      if (incrErr || ttlErr) throw incrErr ?? ttlErr;
      const heard = { current: Number(current), ttl: Math.max(0, Number(ttl)) };
      const c = this.counters.get(key) ?? this.counter(key, now, heard.ttl);
      c.shared = heard.current;
      c.resetAt = now + heard.ttl;
      return { current: heard.current + c.local, ttl: heard.ttl };
    });
  }

  private forgetSettled(now: number): void {
    for (const [key, c] of this.counters) {
      if (this.counters.size <= MAX_KEYS / 2) return;
      if (c.local === 0 && (c.resetAt <= now || this.counters.size > MAX_KEYS)) this.counters.delete(key);
    }
  }
}
