import { DateTime } from 'luxon';
import { CLINIC } from '../harness/bench-clinic.ts';
import type { LoadSpec } from '../harness/load.ts';
import { allAnswered, type BenchContext, measure, pct, perSecond, type Scenario, target } from './scenario.ts';

const TIMES_OF_DAY = [undefined, 'morning', 'afternoon', 'evening'] as const;

/**
 * What callers ask: a day in words or as an ISO date over the next two weeks, sometimes a time of day. Cycled,
 * so the answers vary as they would over many calls.
 */
function questions(): Record<string, unknown>[] {
  const today = DateTime.now().setZone(CLINIC.zone).startOf('day');
  const days = ['tomorrow', 'next tuesday', 'friday', ...Array.from({ length: 13 }, (_, i) => today.plus({ days: i + 1 }).toISODate()!)];
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
    return { callId, customerNumber, call: { id: toolCallId, name: 'check_availability', args: asks[i++ % asks.length]! } };
  };
}

export const checkAvailability: Scenario = {
  name: 'check_availability',
  title: 'check_availability',
  baseline: 'baseline',
  async run(ctx) {
    const endpoint = await ctx.slotkeeper();
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
    target('≥ 50% of the baseline throughput', pct(ratio), (ratio ?? 0) >= 0.5),
    target(`p99 < 20 ms at ${o.connections} connections`, `${m.load.latencyMs.p99} ms`, m.load.latencyMs.p99 < 20),
  ],
};
