import type { Sql } from '../../src/db/client.ts';
import type { FakeTwilio } from '../../testkit/fake-twilio.ts';
import type { FreeSlots, ManyClinics } from '../harness/bench-clinic.ts';
import { type LoadSpec, runLoad } from '../harness/load.ts';
import type { LoadResult, ScenarioResult, Target } from '../harness/results.ts';

export interface BenchOptions {
  seconds: number;
  warmupSeconds: number;
  connections: number;
  contentionConnections: number;
  contendedSlots: number;
  /** phone_calls: the numbers of simultaneous calls to ramp through, and the pause range between steps (seconds). */
  phoneCalls: number[];
  pauseSeconds: [number, number];
  seed: number;
  /** memory: how many clinics to seed, and their size. */
  memory: ManyClinics;
}

/** A webhook to load: its full URL and the bearer secret it expects. */
export interface Endpoint {
  url: string;
  secret: string;
}

export interface Caller {
  callId: string;
  toolCallId: string;
  customerNumber: string;
}

export interface BenchContext {
  options: BenchOptions;
  baseline(): Promise<Endpoint>;
  /** `url` books in one step; `codesUrl` is the same clinic with text-message codes required; `demo` the demo clinic. */
  slotkeeper(): Promise<Endpoint & { sql: Sql; codesUrl: string; demo: Endpoint }>;
  naive(): Promise<Endpoint & { sql: Sql }>;
  /** A Slotkeeper of its own on a database of many clinics (the memory scenario). */
  manyClinics(): Promise<{ server: string; slugs: string[]; secret: string; sql: Sql; bookings: number }>;
  /** The fake Twilio the server under test texts through. */
  twilio: FakeTwilio;
  freeSlots: FreeSlots;
  /** The naive server's own free slots (its own database, so the same times). */
  naiveFreeSlots: FreeSlots;
  /** A new virtual caller: unique call id, tool-call id and phone number, so no answer is an idempotent replay. */
  caller(): Caller;
}

export type ScenarioOutcome =
  | {
      status: 'ok';
      load: LoadResult;
      throughput: { value: number; unit: string };
      steps?: ScenarioResult['steps'];
      doubleBookings?: number;
      notes?: string[];
      /** Goals judged while running (what `targets` cannot see in the load alone). */
      judged?: Target[];
    }
  | { status: 'skipped'; reason: string };

export type Measured = Extract<ScenarioOutcome, { status: 'ok' }>;

export interface Scenario {
  name: string;
  title: string;
  /** The scenario whose answered requests per second this one is compared with, measured in the same run. */
  baseline?: string;
  run(ctx: BenchContext): Promise<ScenarioOutcome>;
  /** The goals this scenario is judged by; `ratio` is to its baseline. */
  targets?(m: Measured, ratio: number | undefined, options: BenchOptions): Target[];
}

/** A warm-up run (discarded: JIT, pools, caches), then the measured one. */
export async function measure(
  ctx: BenchContext,
  spec: Omit<LoadSpec, 'seconds'>,
  warmup?: Omit<LoadSpec, 'seconds'>,
): Promise<LoadResult> {
  if (ctx.options.warmupSeconds > 0) await runLoad({ ...(warmup ?? spec), seconds: ctx.options.warmupSeconds });
  return runLoad({ ...spec, seconds: ctx.options.seconds });
}

export const perSecond = (load: LoadResult, unit: string) => ({ value: load.perSecond, unit });

export function target(goal: string, actual: string, met: boolean): Target {
  return { goal, actual, met };
}

export const pct = (ratio: number | undefined) => (ratio === undefined ? 'n/a' : `${Math.round(ratio * 100)}%`);

/** Every request answered with 2xx and without a socket error: the floor for any measured scenario. */
export function allAnswered(m: Measured): Target {
  const l = m.load;
  return target(
    'every request answered (no non-2xx, no errors)',
    `non-2xx ${l.non2xx}, errors ${l.errors + l.timeouts}`,
    l.non2xx + l.errors + l.timeouts === 0,
  );
}
