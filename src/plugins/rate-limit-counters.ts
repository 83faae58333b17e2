import type { FastifyRateLimitOptions, FastifyRateLimitStore, RateLimitOptions } from '@fastify/rate-limit';
import LocalStore from '@fastify/rate-limit/store/LocalStore.js';
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';
import type { Redis } from 'ioredis';

type Incr = FastifyRateLimitStore['incr'];

/** @fastify/rate-limit's Redis counters, falling back to its in-memory ones for as long as Redis does not answer. */
class FallbackCounters implements FastifyRateLimitStore {
  constructor(
    private readonly remote: FastifyRateLimitStore,
    private readonly local: FastifyRateLimitStore,
    private readonly redis: Redis,
    private readonly degraded: () => void,
  ) {}

  incr(key: string, callback: Parameters<Incr>[1], timeWindow: number, max: number): void {
    const locally = () => {
      this.degraded();
      this.local.incr(key, callback, timeWindow, max);
    };
    // The client fails commands at once while disconnected; asking first saves building the script call.
    if (this.redis.status !== 'ready') {
      locally();
      return;
    }
    this.remote.incr(key, (err, result) => (err ? locally() : callback(null, result)), timeWindow, max);
  }

  child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
    return new FallbackCounters(
      this.remote.child(routeOptions),
      this.local.child(routeOptions),
      this.redis,
      this.degraded,
    );
  }
}

/**
 * Counters shared by every instance through Redis, so a clinic's limit is one limit however many instances the load
 * balancer spreads its calls over. While Redis is unreachable each instance counts in its own memory: a limit per
 * instance rather than none, and no request refused for Redis's sake.
 */
export function sharedCounters(
  redis: Redis,
  prefix: string,
  degraded: () => void,
): new (
  o: FastifyRateLimitOptions,
) => FastifyRateLimitStore {
  return class SharedCounters extends FallbackCounters {
    constructor(o: RateLimitOptions) {
      const continueExceeding = o.continueExceeding ?? false;
      const exponentialBackoff = o.exponentialBackoff ?? false;
      super(
        new RedisStore(continueExceeding, exponentialBackoff, redis, `${prefix}rate-limit:`),
        new LocalStore(continueExceeding, exponentialBackoff),
        redis,
        degraded,
      );
    }
  };
}
