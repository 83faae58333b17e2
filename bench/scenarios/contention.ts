import { overlappingPairs } from '../../src/db/queries/bookings.ts';
import { contendedSlots } from '../harness/bench-clinic.ts';
import type { LoadSpec } from '../harness/load.ts';
import { naiveDoubleBookings } from '../naive/database.ts';
import {
  allAnswered,
  type BenchContext,
  type Endpoint,
  measure,
  perSecond,
  type Scenario,
  target,
} from './scenario.ts';
import { PATIENT_NAME } from './uncontended-claims.ts';

/** The measured run fights over this slot of the day on each contended provider; the warm-up over another one. */
const MEASURED_SLOT = 6;
const WARMUP_SLOT = 2;

function fightOver(ctx: BenchContext, slotOfDay: number): LoadSpec['nextCall'] {
  const slots = contendedSlots(ctx.options.contendedSlots, slotOfDay);
  let i = 0;
  return () => {
    const { callId, toolCallId, customerNumber } = ctx.caller();
    const slot = slots[i++ % slots.length]!;
    return {
      callId,
      customerNumber,
      call: {
        id: toolCallId,
        name: 'book_appointment',
        args: { start: slot.start, provider: slot.provider, patient_name: PATIENT_NAME },
      },
    };
  };
}

/** The same workload for Slotkeeper and the naive baseline: many callers, a few slots, each caller once. */
async function contend(ctx: BenchContext, endpoint: Endpoint) {
  const spec = { ...endpoint, connections: ctx.options.contentionConnections, countOutcomes: true };
  return measure(
    ctx,
    { ...spec, nextCall: fightOver(ctx, MEASURED_SLOT) },
    { ...spec, nextCall: fightOver(ctx, WARMUP_SLOT) },
  );
}

const correctness = (m: Parameters<NonNullable<Scenario['targets']>>[0], slots: number) => [
  allAnswered(m),
  target('zero double bookings', String(m.doubleBookings), m.doubleBookings === 0),
  target(
    'each contended slot booked exactly once',
    `${m.load.outcomes.booked ?? 0} booked of ${slots} slots`,
    (m.load.outcomes.booked ?? 0) === slots,
  ),
];

export const naiveContention: Scenario = {
  name: 'naive_contention',
  title: 'Naive baseline: SELECT … FOR UPDATE, same contention',
  baseline: 'baseline',
  async run(ctx) {
    const endpoint = await ctx.naive();
    const load = await contend(ctx, endpoint);
    return {
      status: 'ok',
      load,
      throughput: perSecond(load, 'answered claims/s'),
      doubleBookings: await naiveDoubleBookings(endpoint.sql),
    };
  },
  targets: (m, _ratio, o) => correctness(m, o.contendedSlots),
};

export const contention: Scenario = {
  name: 'contention',
  title: 'Contention: many callers, few slots',
  baseline: 'naive_contention',
  async run(ctx) {
    const endpoint = await ctx.slotkeeper();
    const load = await contend(ctx, endpoint);
    return {
      status: 'ok',
      load,
      throughput: perSecond(load, 'answered claims/s'),
      doubleBookings: await overlappingPairs(endpoint.sql),
    };
  },
  targets: (m, ratio, o) => [
    ...correctness(m, o.contendedSlots),
    target(
      '≥ 2× the naive baseline’s answered claims/s',
      ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}×`,
      (ratio ?? 0) >= 2,
    ),
    target('p99 < 100 ms', `${m.load.latencyMs.p99} ms`, m.load.latencyMs.p99 < 100),
  ],
};
