import type { Redis } from 'ioredis';
import { z } from 'zod';
import { defineScripts } from '../redis/scripts.ts';
import type { Announcement, AvailabilityCache, CachedDays, DayBookings } from './availability-cache.ts';

// [start, end, expiresAt | null, callId | null] per booking: compact, and checked on the way back in (an entry in an
// older shape is a miss).
const Stored = z.array(z.tuple([z.number(), z.number(), z.number().nullable(), z.string().nullable()]));

const VERSION_TTL_SECONDS = 2 * 86_400;

/** Provider-day bookings shared by every instance. The caller decides what to do when Redis is down. */
export class RedisAvailabilityCache implements AvailabilityCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {
    defineScripts(redis);
  }

  // The hash tag keeps a value and its version in one cluster slot, as the script needs.
  private valueKey = (key: string) => `${this.prefix}avail:{${key}}`;
  private versionKey = (key: string) => `${this.prefix}avail-version:{${key}}`;

  async read(keys: string[]): Promise<CachedDays> {
    if (keys.length === 0) return { values: [], stamps: [] };
    const raw = await this.redis.mget(...keys.map(this.valueKey), ...keys.map(this.versionKey));
    return {
      values: keys.map((_, i) => decode(raw[i])),
      stamps: keys.map((_, i) => raw[keys.length + i] ?? '0'),
    };
  }

  async fill(entries: { key: string; value: DayBookings; stamp: string }[]): Promise<void> {
    // Not in a pipeline: ioredis sends a script's whole text (EVAL) for every script command in a pipeline, and its
    // hash (EVALSHA) only for commands sent on their own.
    await Promise.all(
      entries.map(({ key, value, stamp }) => {
        const stored = JSON.stringify(value.map((b) => [b.start, b.end, b.expiresAt, b.callId]));
        return this.redis.fillIfUnchanged(this.valueKey(key), this.versionKey(key), stamp, stored, this.ttlMs);
      }),
    );
  }

  async invalidate(keys: string[], announcement?: Announcement): Promise<void> {
    if (keys.length === 0 && !announcement) return;
    const pairs = keys.flatMap((key) => [this.versionKey(key), this.valueKey(key)]);
    await this.redis.invalidateDays(
      pairs.length,
      ...pairs,
      VERSION_TTL_SECONDS,
      announcement?.channel ?? '',
      announcement?.message ?? '',
    );
  }
}

function decode(raw: string | null | undefined): DayBookings | undefined {
  if (raw == null) return undefined;
  try {
    return Stored.parse(JSON.parse(raw)).map(([start, end, expiresAt, callId]) => ({ start, end, expiresAt, callId }));
  } catch {
    return undefined; // an entry we cannot read is a miss, rebuilt from PostgreSQL
  }
}
