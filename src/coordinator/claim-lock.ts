import { Redlock } from '@sesamecare-oss/redlock';
import type { Redis } from 'ioredis';

/** How a claim reached PostgreSQL. */
export type LockPath = 'local' | 'locked' | 'lock_contention' | 'degraded';

export interface LockObserver {
  /** Time spent getting (or giving up on) the lock. */
  waited(seconds: number, result: 'acquired' | 'contention'): void;
}

export interface ClaimLock {
  /** Runs `work` holding the lock when it can; runs it anyway when it cannot, since PostgreSQL decides. */
  run<T>(keys: string[], work: () => Promise<T>): Promise<{ value: T; path: LockPath }>;
}

/** One process without Redis: the provider-day actors already serialise its claims. */
export const processLocal: ClaimLock = {
  async run(_keys, work) {
    return { value: await work(), path: 'local' };
  },
};

// A claim holds the lock for one claim_slot call (milliseconds); the TTL only matters if this process dies holding
// it, and `using` extends it while the call is slow.
const LOCK_TTL_MS = 2_000;
const ACQUIRE = { retryCount: 20, retryDelay: 25, retryJitter: 20 };

/**
 * Redlock (the @sesamecare-oss fork) across instances, one resource per provider-day. It is the fast path, not the
 * guarantee: if the lock cannot be had — another instance keeps it, or Redis is down — the claim still goes to the
 * claim function, whose advisory lock and the EXCLUDE constraint keep it correct.
 */
export class RedlockClaimLock implements ClaimLock {
  private readonly redlock: Redlock;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly observer: LockObserver,
  ) {
    // No retries for release and extension: with Redis gone they would only delay the answer; the TTL cleans up.
    this.redlock = new Redlock([redis], { retryCount: 0, automaticExtensionThreshold: 500 });
    // Redlock reports every refused vote as an 'error' event; without a listener Node would throw it.
    this.redlock.on('error', () => {});
  }

  /**
   * Answers as soon as `work` is done: the release follows on the same connection, so Redis runs it before any
   * later acquire this process sends, and the caller does not wait a round trip for it.
   */
  async run<T>(keys: string[], work: () => Promise<T>): Promise<{ value: T; path: LockPath }> {
    if (this.redis.status !== 'ready') return { value: await work(), path: 'degraded' };
    const asked = performance.now();
    let started = false;
    return new Promise((resolve, reject) => {
      this.redlock
        .using(
          keys.map((k) => `${this.prefix}lock:${k}`),
          LOCK_TTL_MS,
          ACQUIRE,
          async () => {
            this.observer.waited((performance.now() - asked) / 1000, 'acquired');
            started = true;
            resolve({ value: await work(), path: 'locked' });
          },
        )
        .catch(async (err: unknown) => {
          // Once the claim ran, a failed release (Redis went away meanwhile) changes nothing: the lock expires.
          if (started) return reject(err);
          if (this.redis.status !== 'ready') return resolve({ value: await work(), path: 'degraded' });
          this.observer.waited((performance.now() - asked) / 1000, 'contention');
          resolve({ value: await work(), path: 'lock_contention' });
        })
        .catch(reject);
    });
  }
}
