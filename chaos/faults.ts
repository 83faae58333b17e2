// The faults, one at a time: each is injected, lifted, and followed until every instance is healthy again. The
// window from injection to recovery is what the checker forgives failures in.
import { health, type ServerProcess } from '../tests/helpers/instances.ts';
import type { PrivatePostgres } from '../tests/helpers/private-postgres.ts';
import type { PrivateRedis } from '../tests/helpers/private-redis.ts';
import type { History } from './history.ts';

export type FaultKind = 'freeze-instance' | 'kill-redis' | 'crash-postgres' | 'kill-instance-mid-call';
export const FAULT_KINDS: FaultKind[] = ['freeze-instance', 'kill-redis', 'crash-postgres', 'kill-instance-mid-call'];

/** Past the 2 s Redlock TTL, so a frozen instance's lock runs out while it holds it. */
const FREEZE_MS = 3500;
const REDIS_DOWN_MS = 3000;
const POSTGRES_DOWN_MS = 2000;
const KILLED_DOWN_MS = 1000;
const RECOVERY_DEADLINE_MS = 30_000;

export interface Fault {
  kind: FaultKind;
  /** The instance frozen or killed. */
  instance?: number;
  injectedAt: number;
  liftedAt: number;
  /** When every instance answered /health "ok" again (undefined: not within the deadline). */
  recoveredAt?: number;
  /** For a kill: how many requests of calls were waiting on the instance when it died. */
  callsInFlight?: number;
  /** What each instance's /health said last. */
  lastHealth?: string[];
}

export interface Targets {
  instances: ServerProcess[];
  redis: PrivateRedis;
  postgres: PrivatePostgres;
  history: History;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function inject(kind: FaultKind, instance: number, t: Targets): Promise<Fault> {
  const fault: Fault = { kind, injectedAt: Date.now(), liftedAt: 0 };
  const target = t.instances[instance]!;
  switch (kind) {
    case 'freeze-instance':
      fault.instance = instance;
      target.signal('SIGSTOP');
      await sleep(FREEZE_MS);
      target.signal('SIGCONT');
      break;
    case 'kill-redis':
      await t.redis.stop();
      await sleep(REDIS_DOWN_MS);
      await t.redis.start();
      break;
    case 'crash-postgres':
      await t.postgres.crash();
      await sleep(POSTGRES_DOWN_MS);
      await t.postgres.start();
      break;
    case 'kill-instance-mid-call': {
      fault.instance = instance;
      // Mid-call: wait (a little) for a step of a whole call to be under way on it.
      for (let waited = 0; t.history.callsInFlight(instance) === 0 && waited < 5000; waited += 5) await sleep(5);
      fault.callsInFlight = t.history.callsInFlight(instance);
      fault.injectedAt = Date.now();
      await target.kill();
      await sleep(KILLED_DOWN_MS);
      await startAgain(target);
      break;
    }
  }
  fault.liftedAt = Date.now();
  fault.recoveredAt = await allHealthy(t.instances, fault);
  return fault;
}

/** An instance that ended without being told to. */
export interface Crash {
  instance: number;
  at: number;
  why: string;
}

/** A restart can meet the database still recovering from an earlier fault: it is tried a few times. */
export async function startAgain(target: ServerProcess): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await target.start();
    } catch (err) {
      if (attempt === 3) throw err;
      await sleep(1000);
    }
  }
}

async function allHealthy(instances: ServerProcess[], fault: Fault): Promise<number | undefined> {
  const deadline = Date.now() + RECOVERY_DEADLINE_MS;
  while (Date.now() < deadline) {
    const answered = (i: ServerProcess) =>
      Promise.race([
        health(i).then(
          (h) => JSON.stringify(h),
          (err: Error) => String(err.cause ?? err),
        ),
        sleep(2000).then(() => 'no answer within 2 s'),
      ]);
    fault.lastHealth = await Promise.all(instances.map(answered));
    if (fault.lastHealth.every((h) => h.includes('"status":"ok"'))) return Date.now();
    await sleep(50);
  }
  return undefined;
}
