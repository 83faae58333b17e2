import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Sql } from '../db/client.ts';
import { busyRanges } from '../db/queries/bookings.ts';
import { runClaimStatement } from '../db/queries/claim-statement.ts';
import { withTenant } from '../db/tenant-scope.ts';
import type { ClaimOutcome, ClaimResult, ClaimStatement } from '../domain/booking.ts';
import type { BookingChange, BookingChangeListener, SlotGate } from '../domain/ports.ts';
import type { Tenant } from '../domain/tenant.ts';
import type { Metrics } from '../observability/metrics.ts';
import { dayBounds, localDays } from '../scheduling/clinic-day.ts';
import type { BusyRange } from '../scheduling/types.ts';
import {
  type AvailabilityCache,
  type CachedDays,
  type DayBookings,
  MemoryAvailabilityCache,
} from './availability-cache.ts';
import { type ClaimLock, processLocal, RedlockClaimLock } from './claim-lock.ts';
import { InvalidationBus } from './invalidation-bus.ts';
import { daysInAnyZone, MAX_BUFFER_MS, type ProviderDay, providerDayKey } from './provider-day.ts';
import { ProviderDayActors } from './provider-day-actors.ts';
import { RedisAvailabilityCache } from './redis-availability-cache.ts';

export interface CoordinatorOptions {
  sql: Sql;
  metrics: Metrics;
  now: () => number;
  /** Without Redis: one instance, its own actors and an in-process cache. */
  redis?: { commands: Redis; subscriber: Redis; prefix: string };
}

const ACTOR_LIMITS = { maxActors: 10_000, idleMs: 60_000, knowledgeMs: 15_000, holdMarginMs: 2_000 };
// Bounds how long a cache entry can outlive a lost invalidation (Redis unreachable while a change committed).
const CACHE_TTL_MS = 30_000;
const MINUTE = 60_000;

/**
 * The slot coordinator of one process: claims for a provider-day queue in its actor (memory), take the Redlock
 * lock across instances, and only then reach the claim function in PostgreSQL; availability is read through a
 * cache of provider-day bookings (Redis, or in-process without Redis). Also the BookingService's change listener:
 * each committed change drops the cache entries and this process's knowledge of that time, and tells the others.
 */
export class SlotCoordinator implements SlotGate, BookingChangeListener {
  readonly actors: ProviderDayActors;
  private readonly cache: AvailabilityCache;
  private readonly lock: ClaimLock;
  private readonly bus: InvalidationBus | undefined;
  private readonly redis: Redis | undefined;
  /** Per clinic, how many changes of its bookings this process has heard of; `generation` counts gaps in hearing. */
  private readonly changesHeard = new Map<string, number>();
  private generation = 0;
  /** Cache entries a change could not drop while Redis was down: dropped as soon as it is back. */
  private readonly unflushed = new Set<string>();

  constructor(private readonly o: CoordinatorOptions) {
    this.actors = new ProviderDayActors({ ...ACTOR_LIMITS, now: o.now });
    if (!o.redis) {
      this.cache = new MemoryAvailabilityCache({ maxEntries: 50_000, ttlMs: CACHE_TTL_MS, now: o.now });
      this.lock = processLocal;
      return;
    }
    const { commands, subscriber, prefix } = o.redis;
    this.redis = commands;
    this.cache = new RedisAvailabilityCache(commands, prefix, CACHE_TTL_MS);
    this.lock = new RedlockClaimLock(commands, prefix, {
      waited: (seconds, result) => o.metrics.lockWait.observe({ result }, seconds),
    });
    this.bus = new InvalidationBus(subscriber, `${prefix}booking-changes`, randomUUID());
    this.bus.listen({
      changed: (change) => this.forget(change),
      gap: () => {
        this.generation++;
        this.actors.forgetAll();
      },
    });
    commands.on('ready', () => void this.flushUnflushed());
  }

  async busy(tenant: Tenant, providerIds: string[], from: number, to: number): Promise<BusyRange[]> {
    // The caller widened [from, to) by its service's buffers; a booking overlapping it lies on one of these days.
    const days = localDays(from, to, tenant.timeZone);
    const pds = providerIds.flatMap((providerId) => days.map((day) => ({ tenantId: tenant.id, providerId, day })));
    const found = await this.readDays(tenant, pds);
    const now = this.o.now();
    return found.flatMap((bookings, i) =>
      bookings
        .filter((b) => b.expiresAt === null || b.expiresAt > now)
        .map((b) => ({ providerId: pds[i]!.providerId, start: b.start, end: b.end })),
    );
  }

  async claim<S extends ClaimStatement>(tenant: Tenant, statement: S): Promise<ClaimResult<S> | 'known_taken'> {
    const { providerId, service, start, callId } = statement.slot;
    const occupied = {
      start: start - service.bufferBeforeMinutes * MINUTE,
      end: start + (service.durationMinutes + service.bufferAfterMinutes) * MINUTE,
    };
    const pds = localDays(occupied.start, occupied.end, tenant.timeZone).map((day) => ({
      tenantId: tenant.id,
      providerId,
      day,
    }));
    const keys = pds.map(providerDayKey);
    const known = () =>
      this.knowledgeTrusted() &&
      keys.some((key) => this.actors.knowsOverlap(key, occupied.start, occupied.end, callId));
    const refuse = () => {
      this.o.metrics.claims.inc({ outcome: 'fast_refused', path: 'memory' });
      return 'known_taken' as const;
    };
    if (known()) return refuse();
    return this.actors.run(keys[0]!, async () => {
      // The claim queued before this one may have just taken the slot.
      if (known()) return refuse();
      const { value: result, path } = await this.lock.run(keys, () => runClaimStatement(this.o.sql, statement));
      if (path === 'degraded') this.o.metrics.redisDegraded.inc({ operation: 'lock' });
      if (result.kind !== 'row') return result;
      const { row } = result;
      this.o.metrics.claims.inc({ outcome: outcomeLabel(row.outcome), path });
      if (row.outcome === 'conflict') await this.recheckCache(tenant, pds, occupied);
      if (row.outcome !== 'created' && row.outcome !== 'existing') return result;
      const reported = this.report({ tenantId: tenant.id, providerId, startsAt: row.startsAt!, endsAt: row.endsAt! });
      if (row.outcome === 'created') {
        const mine = { ...occupied, expiresAt: row.expiresAt?.getTime() ?? null, callId };
        for (const key of keys) this.actors.remember(key, mine);
      }
      // The answer leaves only once other instances can no longer offer this time from the cache: its own change
      // has reached Redis (or failed to), not everyone else's still on the way.
      await reported;
      return result;
    });
  }

  /**
   * Changes whenever this process hears that the clinic's bookings changed (here or on another instance); undefined
   * while it might not hear (Redis subscription down), so nothing derived from busy time is reused meanwhile.
   */
  availabilityVersion(tenantId: string): string | undefined {
    if (!this.knowledgeTrusted()) return undefined;
    return `${this.generation}.${this.changesHeard.get(tenantId) ?? 0}`;
  }

  bookingChanged(change: BookingChange): void {
    void this.report(change);
  }

  /** Forgets what the change touched here, then tells the cache and the other instances; resolves once it has tried. */
  private report(change: BookingChange): Promise<void> {
    const keys = this.forget(change);
    return this.propagate(change, keys);
  }

  /** Whether a claim may be refused from memory: only while this process hears every other instance's changes. */
  private knowledgeTrusted(): boolean {
    return !this.bus || this.bus.live;
  }

  private redisUp(): boolean {
    return !this.redis || this.redis.status === 'ready';
  }

  private forget(change: BookingChange): string[] {
    this.changesHeard.set(change.tenantId, (this.changesHeard.get(change.tenantId) ?? 0) + 1);
    const from = change.startsAt.getTime();
    const to = change.endsAt.getTime();
    const keys = daysInAnyZone(from - MAX_BUFFER_MS, to + MAX_BUFFER_MS).map((day) =>
      providerDayKey({ tenantId: change.tenantId, providerId: change.providerId, day }),
    );
    for (const key of keys) this.actors.forget(key, from, to);
    return keys;
  }

  /**
   * The cache entries, then the other instances, in one Redis script: an instance that hears of the change and reads
   * the cache at once finds the entry gone. Should it fail, the keys are invalidated again once Redis answers; the
   * other instances' subscriptions most likely broke too, and they forget all they learned when it comes back.
   */
  private async propagate(change: BookingChange, keys: string[]): Promise<void> {
    try {
      await this.cache.invalidate(keys, this.bus?.announcement(change));
    } catch {
      for (const key of keys) this.unflushed.add(key);
      this.o.metrics.redisDegraded.inc({ operation: 'invalidation' });
    }
  }

  private async flushUnflushed(): Promise<void> {
    const keys = [...this.unflushed];
    this.unflushed.clear();
    try {
      await this.cache.invalidate(keys);
    } catch {
      for (const key of keys) this.unflushed.add(key);
    }
  }

  /**
   * Provider-day bookings from this process's last complete reads (while it hears every change), then the cache, the
   * misses from PostgreSQL (and put back); what was read teaches the actors.
   */
  private async readDays(tenant: Tenant, pds: ProviderDay[]): Promise<DayBookings[]> {
    const keys = pds.map(providerDayKey);
    const epoch = this.actors.beginRead(keys);
    const values: (DayBookings | undefined)[] = this.knowledgeTrusted()
      ? keys.map((key) => this.actors.lastRead(key))
      : keys.map(() => undefined);
    const unknown = keys.flatMap((_, i) => (values[i] ? [] : [i]));
    if (unknown.length === 0) {
      this.o.metrics.availabilityCache.inc({ result: 'hit' }, keys.length);
      return values as DayBookings[];
    }
    let cached: CachedDays | undefined;
    if (this.redisUp()) {
      try {
        cached = await this.cache.read(unknown.map((i) => keys[i]!));
      } catch {
        cached = undefined;
      }
    }
    if (!cached) this.o.metrics.redisDegraded.inc({ operation: 'availability' });
    const missing: number[] = [];
    for (const [j, i] of unknown.entries()) {
      const value = cached?.values[j];
      if (value) values[i] = value;
      else missing.push(i);
    }
    this.o.metrics.availabilityCache.inc({ result: 'hit' }, keys.length - missing.length);
    this.o.metrics.availabilityCache.inc({ result: 'miss' }, missing.length);
    if (missing.length > 0) {
      const fresh = await this.fromDatabase(
        tenant,
        missing.map((i) => pds[i]!),
      );
      for (const [j, i] of missing.entries()) values[i] = fresh[j];
      if (cached) {
        const stamps = cached.stamps;
        const stampOf = new Map(unknown.map((i, j) => [i, stamps[j]!]));
        void this.cache
          .fill(missing.map((i, j) => ({ key: keys[i]!, value: fresh[j]!, stamp: stampOf.get(i)! })))
          .catch(() => {});
      }
    }
    for (const i of unknown) this.actors.learn(keys[i]!, epoch, values[i]!);
    return values as DayBookings[];
  }

  private async fromDatabase(tenant: Tenant, pds: ProviderDay[]): Promise<DayBookings[]> {
    const bounds = pds.map((pd) => dayBounds(pd.day, tenant.timeZone));
    const from = Math.min(...bounds.map((b) => b.start));
    const to = Math.max(...bounds.map((b) => b.end));
    const providerIds = [...new Set(pds.map((pd) => pd.providerId))];
    const rows = await withTenant(this.o.sql, tenant.id, (tx) => busyRanges(tx, tenant.id, providerIds, from, to));
    return pds.map((pd, i) =>
      rows
        .filter((r) => r.providerId === pd.providerId && r.start < bounds[i]!.end && bounds[i]!.start < r.end)
        .map(({ start, end, expiresAt, callId }) => ({ start, end, expiresAt, callId })),
    );
  }

  /**
   * PostgreSQL refused a claim. If what was read did not show the booking in the way, it is stale (a change missed
   * while Redis was down): drop it here and in the cache, so the alternatives offered next come fresh from PostgreSQL.
   */
  private async recheckCache(
    tenant: Tenant,
    pds: ProviderDay[],
    occupied: { start: number; end: number },
  ): Promise<void> {
    const now = this.o.now();
    const days = await this.readDays(tenant, pds);
    const shown = days.some((d) =>
      d.some((b) => b.start < occupied.end && occupied.start < b.end && (b.expiresAt === null || b.expiresAt > now)),
    );
    if (shown) return;
    for (const key of pds.map(providerDayKey)) this.actors.forget(key, occupied.start, occupied.end);
    try {
      await this.cache.invalidate(pds.map(providerDayKey));
    } catch {
      this.o.metrics.redisDegraded.inc({ operation: 'invalidation' });
    }
  }
}

function outcomeLabel(outcome: ClaimOutcome): 'won' | 'conflict' | 'refused' {
  if (outcome === 'created' || outcome === 'existing') return 'won';
  return outcome === 'conflict' ? 'conflict' : 'refused';
}
