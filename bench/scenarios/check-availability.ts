import { DateTime } from 'luxon';
import { CLINIC } from '../harness/bench-clinic.ts';
import type { LoadSpec } from '../harness/load.ts';
import {
  allAnswered,
  type BenchContext,
  type Endpoint,
  measure,
  perSecond,
  type Scenario,
  target,
} from './scenario.ts';

const TIMES_OF_DAY = [undefined, 'morning', 'afternoon', 'evening'] as const;

/**
 * What callers ask: a day in words or as an ISO date over the next two weeks, sometimes a time of day. Cycled,
 * so the answers vary as they would over many calls.
 */
function questions(): Record<string, unknown>[] {
  const today = DateTime.now().setZone(CLINIC.zone).startOf('day');
  const days = [
    'tomorrow',
    'next tuesday',
    'friday',
    ...Array.from({ length: 13 }, (_, i) => today.plus({ days: i + 1 }).toISODate()!),
  ];
  return days.map((date, i) => {
    const time_of_day = TIMES_OF_DAY[i % TIMES_OF_DAY.length];
    return time_of_day ? { date, time_of_day } : { date };
  });
}

export function checkAvailabilityCall(ctx: BenchContext): LoadSpec['nextCall'] {
  const asks = questions();
  let i = 0;
  return () => {
    const { callId, toolCallId, customerNumber } = ctx.caller();
    return {
      callId,
      customerNumber,
      call: { id: toolCallId, name: 'check_availability', args: asks[i++ % asks.length]! },
    };
  };
}

/** check_availability on one clinic's endpoint, judged against the bare-fastify floor of the same run. */
function availabilityScenario(
  name: string,
  title: string,
  endpointOf: (ctx: BenchContext) => Promise<Endpoint>,
  floor: number,
): Scenario {
  return {
    name,
    title,
    baseline: 'baseline',
    async run(ctx) {
      const endpoint = await endpointOf(ctx);
      const load = await measure(ctx, {
        ...endpoint,
        connections: ctx.options.connections,
        nextCall: checkAvailabilityCall(ctx),
        countOutcomes: true,
      });
      return { status: 'ok', load, throughput: perSecond(load, 'req/s') };
    },
    targets: (m, ratio, o) => [
      allAnswered(m),
      target(
        `≥ ${floor}× the baseline (bare fastify) throughput`,
        ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}×`,
        (ratio ?? 0) >= floor,
      ),
      target(`p99 < 20 ms at ${o.connections} connections`, `${m.load.latencyMs.p99} ms`, m.load.latencyMs.p99 < 20),
    ],
  };
}

export const checkAvailabilityDemo = availabilityScenario(
  'check_availability_demo',
  'check_availability, demo clinic (2 providers)',
  async (ctx) => (await ctx.slotkeeper()).demo,
  0.3,
);

export const checkAvailability = availabilityScenario(
  'check_availability',
  'check_availability, 20-provider clinic',
  (ctx) => ctx.slotkeeper(),
  0.15,
);
