import { describe, expect, it } from 'vitest';
import { type ActorLimits, ProviderDayActors } from '../../../src/coordinator/provider-day-actors.ts';

function actors(overrides: Partial<ActorLimits> = {}) {
  const clock = { now: 1_000_000 };
  const limits: ActorLimits = {
    maxActors: 100,
    idleMs: 60_000,
    knowledgeMs: 15_000,
    holdMarginMs: 2_000,
    now: () => clock.now,
    ...overrides,
  };
  return { a: new ProviderDayActors(limits), clock };
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('queueing', () => {
  it('runs the tasks of one provider-day one at a time, in arrival order', async () => {
    const { a } = actors();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task = (name: string, gate: Promise<void>) => async () => {
      running++;
      most = Math.max(most, running);
      log.push(`start ${name}`);
      await gate;
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const gates = [deferred(), deferred(), deferred()];
    const results = [
      a.run('k', task('1', gates[0]!.promise)),
      a.run('k', task('2', gates[1]!.promise)),
      a.run('k', task('3', gates[2]!.promise)),
    ];
    // Released in reverse: the queue still finishes 1 before starting 2.
    gates[2]!.resolve();
    gates[1]!.resolve();
    await tick();
    expect(log).toEqual(['start 1']);
    gates[0]!.resolve();
    expect(await Promise.all(results)).toEqual(['1', '2', '3']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    expect(most).toBe(1);
  });

  it('lets different provider-days run side by side', async () => {
    const { a } = actors();
    const gate = deferred();
    const started: string[] = [];
    const first = a.run('x', async () => {
      started.push('x');
      await gate.promise;
    });
    const second = a.run('y', async () => {
      started.push('y');
    });
    await second;
    expect(started).toEqual(['x', 'y']);
    gate.resolve();
    await first;
  });

  it('keeps the queue going after a task fails', async () => {
    const { a } = actors();
    const failed = a.run('k', async () => {
      throw new Error('boom');
    });
    const next = a.run('k', async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('next');
  });
});

describe('eviction', () => {
  it('drops an actor once its queue is empty and it knows nothing', async () => {
    const { a } = actors();
    await a.run('k', async () => {});
    expect(a.size).toBe(0);
  });

  it('drops the least recently used idle actors beyond the limit, never one with queued work', async () => {
    const { a, clock } = actors({ maxActors: 2 });
    const gate = deferred();
    const busy = a.run('busy', () => gate.promise);
    clock.now += 1;
    a.remember('old', { start: 0, end: 10, expiresAt: null, callId: null });
    clock.now += 1;
    a.remember('new', { start: 0, end: 10, expiresAt: null, callId: null });
    expect(a.size).toBe(2);
    expect(a.knowsOverlap('busy', 0, 1, null)).toBe(false);
    expect(a.knowsOverlap('old', 0, 10, null)).toBe(false); // evicted: it was the least recently used idle one
    expect(a.knowsOverlap('new', 0, 10, null)).toBe(true);
    gate.resolve();
    await busy;
  });

  it('drops actors unused for longer than the idle time', () => {
    const { a, clock } = actors({ idleMs: 1_000, knowledgeMs: 100_000 });
    a.remember('k', { start: 0, end: 10, expiresAt: null, callId: null });
    clock.now += 1_000;
    a.remember('other', { start: 0, end: 10, expiresAt: null, callId: null });
    expect(a.size).toBe(1);
    expect(a.knowsOverlap('k', 0, 10, null)).toBe(false);
  });
});

describe('knowledge', () => {
  it('knows a remembered booking only for overlapping times', () => {
    const { a } = actors();
    a.remember('k', { start: 100, end: 200, expiresAt: null, callId: null });
    expect(a.knowsOverlap('k', 150, 160, null)).toBe(true);
    expect(a.knowsOverlap('k', 200, 300, null)).toBe(false); // half-open: touching is not overlapping
    expect(a.knowsOverlap('other', 150, 160, null)).toBe(false);
  });

  it('does not refuse a call for its own booking, only other calls and callers with no call', () => {
    const { a } = actors();
    a.remember('k', { start: 100, end: 200, expiresAt: null, callId: 'call-a' });
    a.remember('k', { start: 300, end: 400, expiresAt: null, callId: null });
    expect(a.knowsOverlap('k', 150, 160, 'call-a')).toBe(false);
    expect(a.knowsOverlap('k', 150, 160, 'call-b')).toBe(true);
    expect(a.knowsOverlap('k', 150, 160, null)).toBe(true);
    expect(a.knowsOverlap('k', 350, 360, 'call-a')).toBe(true); // a staff booking is nobody's own
  });

  it('stops trusting a hold near its expiry and any knowledge after its time to live', () => {
    const { a, clock } = actors();
    a.remember('k', { start: 0, end: 10, expiresAt: clock.now + 5_000, callId: null });
    a.remember('k', { start: 20, end: 30, expiresAt: null, callId: null });
    clock.now += 3_001; // within the 2 s margin of the hold's expiry
    expect(a.knowsOverlap('k', 0, 10, null)).toBe(false);
    expect(a.knowsOverlap('k', 20, 30, null)).toBe(true);
    clock.now += 12_000;
    expect(a.knowsOverlap('k', 20, 30, null)).toBe(false);
  });

  it('forgets what a change touched, and everything after a gap', () => {
    const { a } = actors();
    a.remember('k', { start: 0, end: 10, expiresAt: null, callId: null });
    a.remember('k', { start: 20, end: 30, expiresAt: null, callId: null });
    a.forget('k', 5, 8);
    expect(a.knowsOverlap('k', 0, 10, null)).toBe(false);
    expect(a.knowsOverlap('k', 20, 30, null)).toBe(true);
    a.forgetAll();
    expect(a.knowsOverlap('k', 20, 30, null)).toBe(false);
  });

  it('ignores a read that an invalidation overtook', () => {
    const { a } = actors();
    const stale = a.beginRead(['k']);
    a.forget('k', 0, 10);
    a.learn('k', stale, [{ start: 0, end: 10, expiresAt: null, callId: null }]);
    expect(a.knowsOverlap('k', 0, 10, null)).toBe(false);
    const fresh = a.beginRead(['k']);
    a.learn('k', fresh, [{ start: 0, end: 10, expiresAt: null, callId: null }]);
    expect(a.knowsOverlap('k', 0, 10, null)).toBe(true);
  });
});

describe('the last complete read', () => {
  const booking = { start: 0, end: 10, expiresAt: null, callId: null };
  const other = { start: 20, end: 30, expiresAt: null, callId: null };

  it('answers availability until a change is heard there; what the change did not touch still refuses', () => {
    const { a } = actors();
    a.learn('k', a.beginRead(['k']), [booking, other]);
    expect(a.lastRead('k')).toEqual([booking, other]);
    a.forget('k', 0, 10);
    expect(a.lastRead('k')).toBeUndefined(); // something may have been added: no longer the whole day
    expect(a.knowsOverlap('k', 0, 10, null)).toBe(false);
    expect(a.knowsOverlap('k', 20, 30, null)).toBe(true);
    expect(a.lastRead('other-day')).toBeUndefined();
  });

  it('is not served once older than the knowledge limit, nor after a gap, nor when an invalidation overtook it', () => {
    const { a, clock } = actors();
    a.learn('k', a.beginRead(['k']), [booking]);
    clock.now += 15_000;
    expect(a.lastRead('k')).toBeUndefined();
    a.learn('k', a.beginRead(['k']), [booking]);
    a.forgetAll();
    expect(a.lastRead('k')).toBeUndefined();
    const stale = a.beginRead(['k']);
    a.forget('k', 100, 200);
    a.learn('k', stale, [booking]);
    expect(a.lastRead('k')).toBeUndefined();
  });

  it("keeps this process's own booking when a later read (from an older cache entry) lacks it", () => {
    const { a } = actors();
    a.remember('k', booking);
    a.learn('k', a.beginRead(['k']), [other]);
    expect(a.knowsOverlap('k', 0, 10, null)).toBe(true);
    expect(a.knowsOverlap('k', 20, 30, null)).toBe(true);
  });
});
