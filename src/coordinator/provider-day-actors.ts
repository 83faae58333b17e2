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

interface Actor {
  tail: Promise<unknown>;
  pending: number;
  known: (KnownBooking & { learnedAt: number })[];
  /** Epoch of the last invalidation that reached this actor; reads that started earlier must not teach it. */
  forgottenAt: number;
  lastUsed: number;
}

/**
 * One actor per provider-day in this process: a queue that runs its claims one at a time in arrival order, and
 * what this process knows for certain about that provider-day's bookings, so a claim on a known booking is refused
 * without asking anyone. Memory is bounded: a Map in least-recently-used order, idle actors dropped beyond
 * `maxActors` or after `idleMs`. Hand-written (a Map and a promise chain) because the queue and the eviction must
 * agree on "idle", which a generic LRU package cannot see.
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
    const result = actor.tail.then(task);
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
    actor.known = actor.known.filter((k) => this.trusted(k, now));
    return actor.known.some((k) => k.start < end && start < k.end && (callId === null || k.callId !== callId));
  }

  /** Marks the start of a read whose result may later be passed to `learn`; keeps the actors it will teach alive. */
  beginRead(keys: string[]): number {
    for (const key of keys) this.touch(key);
    return this.epoch;
  }

  /**
   * Adds (or refreshes) the bookings of a read, unless an invalidation overtook that read. Known bookings the read
   * lacks are kept: a cached read may predate this process's own latest claim.
   */
  learn(key: string, readEpoch: number, bookings: KnownBooking[]): void {
    const actor = this.actors.get(key);
    if (!actor || actor.forgottenAt > readEpoch) return;
    const learnedAt = this.limits.now();
    const same = (a: KnownBooking, b: KnownBooking) => a.start === b.start && a.end === b.end;
    actor.known = [
      ...actor.known.filter((k) => !bookings.some((b) => same(b, k))),
      ...bookings.map((b) => ({ ...b, learnedAt })),
    ];
  }

  /** A booking this process itself just committed. */
  remember(key: string, booking: KnownBooking): void {
    this.touch(key).known.push({ ...booking, learnedAt: this.limits.now() });
  }

  /** Something changed in [start, end) of this provider-day: drop what is known there. */
  forget(key: string, start: number, end: number): void {
    const actor = this.actors.get(key);
    this.epoch++;
    if (!actor) return;
    actor.forgottenAt = this.epoch;
    actor.known = actor.known.filter((k) => !(k.start < end && start < k.end));
  }

  /** Invalidations may have been missed (the channel was down): know nothing. */
  forgetAll(): void {
    this.epoch++;
    for (const actor of this.actors.values()) {
      actor.forgottenAt = this.epoch;
      actor.known = [];
    }
  }

  private trusted(k: KnownBooking & { learnedAt: number }, now: number): boolean {
    return (
      now - k.learnedAt < this.limits.knowledgeMs &&
      (k.expiresAt === null || k.expiresAt - this.limits.holdMarginMs > now)
    );
  }

  private touch(key: string): Actor {
    let actor = this.actors.get(key);
    if (actor) {
      this.actors.delete(key);
    } else {
      actor = { tail: Promise.resolve(), pending: 0, known: [], forgottenAt: this.epoch, lastUsed: 0 };
    }
    actor.lastUsed = this.limits.now();
    this.actors.set(key, actor);
    this.evict(key);
    return actor;
  }

  private settle(key: string, actor: Actor): void {
    actor.pending--;
    actor.lastUsed = this.limits.now();
    if (actor.pending === 0 && actor.known.length === 0 && this.actors.get(key) === actor) this.actors.delete(key);
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
