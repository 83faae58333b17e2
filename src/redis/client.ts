import { Redis } from 'ioredis';

/** Logs one line per outage, not one per reconnect attempt. */
export interface RedisLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export type RedisRole = 'commands' | 'subscriber';

/**
 * A Redis connection that fails fast: while Redis is unreachable a command is rejected at once (no offline queue,
 * no retries of a request) so callers fall back to PostgreSQL instead of waiting, and the connection keeps trying
 * to come back on its own, at most a second apart.
 */
export function createRedis(url: string, role: RedisRole, log: RedisLog): Redis {
  const redis = new Redis(url, {
    connectionName: `slotkeeper-${role}`,
    // The subscriber only sends SUBSCRIBE, which must wait for the connection (and is re-sent after a reconnect).
    enableOfflineQueue: role === 'subscriber',
    maxRetriesPerRequest: role === 'subscriber' ? null : 0,
    // No auto-pipelining: a script command defined while a tick's pipeline waits (Redlock defines its scripts at the
    // first lock) leaves that pipeline a reply short, and ioredis then throws outside any promise — the process dies
    // (ioredis#1931; tests/integration/redis-first-lock.test.ts).
    ...(role === 'commands' ? { commandTimeout: 500 } : {}),
    connectTimeout: 1000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 5), 1000),
  });
  let down = false;
  redis.on('ready', () => {
    if (down) log.info({ role }, 'redis is back');
    down = false;
  });
  redis.on('error', (err: Error) => {
    if (!down) log.warn({ role, err: err.message }, 'redis unavailable; working without it until it is back');
    down = true;
  });
  return redis;
}
