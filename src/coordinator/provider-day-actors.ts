/** An active booking's occupied time (buffers included) as this process last knew it. */
export interface KnownBooking {
  start: number;
  end: number;
  /** When a hold stops occupying the slot; null for a confirmed appointment. */
  expiresAt: number | null;
  /** The call that made it (null: staff, a text, or not known). */
  callId: string | null;
}

export interface ActorLimits {
  /** Idle actors beyond this many are dropped, least recently used first. */
  maxActors: number;
  /** An actor unused this long is dropped (its knowledge is stale by then anyway). */
  idleMs: number;
  /** How long a learned booking may refuse claims without being seen again: bounds any missed invalidation. */
  knowledgeMs: number;
  /** A hold this close to its expiry is no longer trusted to be there (clocks of app and database differ). */
  holdMarginMs: number;
  now: () => number;
}

interface Learned extends KnownBooking {
  learnedAt: number;
}

interface Actor {
  /** Set while tasks are queued (idle actors do not keep a settled promise each). */
  tail?: Promise<unknown>;
  pending: number;
  /** Bookings this process committed itself. */
  own: Learned[];
  /** The last read of the provider-day no change overtook: `complete` until a change is heard there. */
  read?: { bookings: KnownBooking[]; at: number; complete: boolean };
  /** Epoch of the last invalidation that reached this actor; reads that started earlier must not teach it. */
  forgottenAt: number;
  lastUsed: number;
}

/**
 * One actor per provider-day in this process: a queue that runs its claims one at a time in arrival order, and
 * what this process knows for certain about that provider-day's bookings, so a claim on a known booking is refused
 * without asking anyone, and availability is answered without asking Redis while its last read is still complete.
 * Memory is bounded: a Map in least-recently-used order, idle actors dropped beyond `maxActors` or after `idleMs`.
 * Hand-written (a Map and a promise chain) because the queue and the eviction must agree on "idle", which a generic
 * LRU package cannot see.
 */
export class ProviderDayActors {
  private readonly actors = new Map<string, Actor>();
  private epoch = 0;

  constructor(private readonly limits: ActorLimits) {}

  get size(): number {
    return this.actors.size;
  }

  /** Runs `task` after every task queued before it for this key; never two tasks of one key at once. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const actor = this.touch(key);
    actor.pending++;
    const result = (actor.tail ?? Promise.resolve()).then(task);
    actor.tail = result.then(
      () => this.settle(key, actor),
      () => this.settle(key, actor),
    );
    return result;
  }

  /** Whether a booking this process knows to be active overlaps [start, end) and is not call `callId`'s own. */
  knowsOverlap(key: string, start: number, end: number, callId: string | null): boolean {
    const actor = this.actors.get(key);
    if (!actor) return false;
    const now = this.limits.now();
    const hit = (k: KnownBooking, learnedAt: number) =>
      k.start < end && start < k.end && (callId === null || k.callId !== callId) && this.trusted(k, learnedAt, now);
    actor.own = actor.own.filter((k) => this.trusted(k, k.learnedAt, now));
    const read = actor.read;
    return actor.own.some((k) => hit(k, k.learnedAt)) || (read?.bookings.some((k) => hit(k, read.at)) ?? false);
  }

  /**
   * The provider-day's bookings as last read, if no change was heard there since that read began and it is younger
   * than the knowledge limit: as good as a read from the shared cache, which the same changes invalidate.
   */
  lastRead(key: string): KnownBooking[] | undefined {
    const read = this.actors.get(key)?.read;
    return read?.complete && this.limits.now() - read.at < this.limits.knowledgeMs ? read.bookings : undefined;
  }

  /** Marks the start of a read whose result may later be passed to `learn`; keeps the actors it will teach alive. */
  beginRead(keys: string[]): number {
    for (const key of keys) this.touch(key);
    return this.epoch;
  }

  /**
   * Keeps the bookings of a read (as given, not copied) unless an invalidation overtook that read. Bookings this
   * process committed are kept apart: a cached read may predate its own latest claim.
   */
  learn(key: string, readEpoch: number, bookings: KnownBooking[]): void {
    const actor = this.actors.get(key);
    if (!actor || actor.forgottenAt > readEpoch) return;
    actor.read = { bookings, at: this.limits.now(), complete: true };
  }

  /** A booking this process itself just committed. */
  remember(key: string, booking: KnownBooking): void {
    this.touch(key).own.push({ ...booking, learnedAt: this.limits.now() });
  }

  /** Something changed in [start, end) of this provider-day: drop what is known there. */
  forget(key: string, start: number, end: number): void {
    const actor = this.actors.get(key);
    this.epoch++;
    if (!actor) return;
    actor.forgottenAt = this.epoch;
    const untouched = (k: KnownBooking) => !(k.start < end && start < k.end);
    actor.own = actor.own.filter(untouched);
    // The rest of the read is still known for certain, but no longer the whole day: something may have been added.
    if (actor.read) actor.read = { ...actor.read, bookings: actor.read.bookings.filter(untouched), complete: false };
  }

  /** Invalidations may have been missed (the channel was down): know nothing. */
  forgetAll(): void {
    this.epoch++;
    for (const actor of this.actors.values()) {
      actor.forgottenAt = this.epoch;
      actor.own = [];
      actor.read = undefined;
    }
  }

  private trusted(k: KnownBooking, learnedAt: number, now: number): boolean {
    return (
      now - learnedAt < this.limits.knowledgeMs &&
      (k.expiresAt === null || k.expiresAt - this.limits.holdMarginMs > now)
    );
  }

  private touch(key: string): Actor {
    let actor = this.actors.get(key);
    if (actor) {
      this.actors.delete(key);
    } else {
      actor = { pending: 0, own: [], forgottenAt: this.epoch, lastUsed: 0 };
    }
    actor.lastUsed = this.limits.now();
    this.actors.set(key, actor);
    this.evict(key);
    return actor;
  }

  private settle(key: string, actor: Actor): void {
    actor.pending--;
    actor.lastUsed = this.limits.now();
    if (actor.pending > 0) return;
    actor.tail = undefined;
    if (actor.own.length === 0 && !actor.read && this.actors.get(key) === actor) this.actors.delete(key);
  }

  /** Oldest first: drop idle actors while there are too many or they have been unused too long. */
  private evict(keep: string): void {
    const now = this.limits.now();
    for (const [key, actor] of this.actors) {
      const tooMany = this.actors.size > this.limits.maxActors;
      if (!tooMany && now - actor.lastUsed < this.limits.idleMs) return;
      if (key !== keep && actor.pending === 0) this.actors.delete(key);
    }
  }
}
