import type { KnownBooking } from './provider-day-actors.ts';

/** The active bookings (occupied time, hold expiry) touching one provider-day: what availability is computed from. */
export type DayBookings = KnownBooking[];

export interface CachedDays {
  /** Per key, in order; undefined is a miss. */
  values: (DayBookings | undefined)[];
  /** Per key, the version read with it: a fill is only stored if no invalidation happened since. */
  stamps: string[];
}

/** A message for the other instances, sent with an invalidation (src/coordinator/invalidation-bus.ts makes it). */
export interface Announcement {
  channel: string;
  message: string;
}

/**
 * Provider-day bookings cached between PostgreSQL and the availability search. Caches busy time, not finished slot
 * lists: one entry serves every service and time-of-day filter, and the slot arithmetic is pure and cheap.
 */
export interface AvailabilityCache {
  read(keys: string[]): Promise<CachedDays>;
  fill(entries: { key: string; value: DayBookings; stamp: string }[]): Promise<void>;
  /** Forgets `keys`; then, if given, sends the announcement (in the same round trip where the cache is shared). */
  invalidate(keys: string[], announcement?: Announcement): Promise<void>;
}

interface MemoryEntry {
  value?: DayBookings;
  storedAt: number;
  version: number;
}

/**
 * The in-process cache for a single instance without Redis. Versions are drawn from one counter, so an evicted
 * entry's version can be remembered as a floor instead of per key.
 */
export class MemoryAvailabilityCache implements AvailabilityCache {
  private readonly entries = new Map<string, MemoryEntry>();
  private counter = 0;
  private evictedFloor = 0;

  constructor(private readonly limits: { maxEntries: number; ttlMs: number; now: () => number }) {}

  async read(keys: string[]): Promise<CachedDays> {
    const now = this.limits.now();
    return {
      values: keys.map((key) => {
        const entry = this.entries.get(key);
        return entry?.value && now - entry.storedAt < this.limits.ttlMs ? entry.value : undefined;
      }),
      stamps: keys.map((key) => String(this.versionOf(key))),
    };
  }

  async fill(entries: { key: string; value: DayBookings; stamp: string }[]): Promise<void> {
    for (const { key, value, stamp } of entries) {
      const version = this.versionOf(key);
      if (String(version) === stamp) this.store(key, { value, storedAt: this.limits.now(), version });
    }
  }

  // A single instance without Redis has no one to announce a change to.
  async invalidate(keys: string[]): Promise<void> {
    for (const key of keys) this.store(key, { storedAt: this.limits.now(), version: ++this.counter });
  }

  private versionOf(key: string): number {
    return this.entries.get(key)?.version ?? this.evictedFloor;
  }

  private store(key: string, entry: MemoryEntry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    for (const [oldest, old] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries) break;
      this.evictedFloor = Math.max(this.evictedFloor, old.version);
      this.entries.delete(oldest);
    }
  }
}
