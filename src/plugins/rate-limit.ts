import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { sharedCounters } from './rate-limit-counters.ts';

/**
 * One counter store under @fastify/rate-limit: in Redis when there is one, shared by every instance (see
 * rate-limit-counters.ts), else in this process's memory. Each limiter counts its own keys. Not the plugin's route
 * hook: that one runs once per request, and the webhook and the API need two limits each (per IP before
 * authentication, per tenant after it).
 */
export async function registerRateLimits(
  app: FastifyInstance,
  shared?: { redis: Redis; prefix: string; degraded: () => void },
): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    ...(shared ? { store: sharedCounters(shared.redis, shared.prefix, shared.degraded) } : {}),
  });
}

export interface LimiterOptions {
  /** Names the counter in keys and logs, e.g. "webhook-ip". */
  name: string;
  max: number;
  windowSeconds: number;
  key: (request: FastifyRequest) => string;
}

export type Limiter = (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

/** A limiter answers 429 with Retry-After and returns false once `key` has used up `max` in the window. */
export function limiter(app: FastifyInstance, o: LimiterOptions): Limiter {
  const check = app.createRateLimit({
    max: o.max,
    timeWindow: o.windowSeconds * 1000,
    keyGenerator: (request) => `${o.name}:${o.key(request)}`,
  });
  return async (request, reply) => {
    const verdict = await check(request);
    if (verdict.isAllowed || !verdict.isExceeded) return true;
    request.log.warn({ limit: o.name }, 'rate limit exceeded');
    await reply
      .code(429)
      .header('retry-after', verdict.ttlInSeconds)
      .send({ error: `Too many requests; try again in ${verdict.ttlInSeconds} seconds.` });
    return false;
  };
}
