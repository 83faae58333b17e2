import type { Sql } from '../../src/db/client.ts';
import { overlappingPairs } from '../../src/db/queries/bookings.ts';
import type { FreeSlots } from '../harness/bench-clinic.ts';
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

export const PATIENT_NAME = 'Jordan Bench';

/** Every request a different free slot, call, tool-call id and phone number: one server's uncontended claims. */
async function claimFreeSlots(
  ctx: BenchContext,
  endpoint: Endpoint & { sql: Sql },
  slots: FreeSlots,
  doubleBookings: (sql: Sql) => Promise<number>,
) {
  const load = await measure(ctx, {
    ...endpoint,
    connections: ctx.options.connections,
    countOutcomes: true,
    nextCall: () => {
      const { callId, toolCallId, customerNumber } = ctx.caller();
      const slot = slots.take();
      return {
        callId,
        customerNumber,
        call: {
          id: toolCallId,
          name: 'book_appointment',
          args: { start: slot.start, provider: slot.provider, patient_name: PATIENT_NAME },
        },
      };
    },
  });
  const notes =
    slots.taken > slots.capacity
      ? [`ran out of planned free slots (${slots.capacity}); later claims were conflicts`]
      : [];
  return {
    status: 'ok' as const,
    load,
    throughput: perSecond(load, 'claims/s'),
    doubleBookings: await doubleBookings(endpoint.sql),
    notes,
  };
}

const everyClaimBooked: NonNullable<Scenario['targets']> = (m) => [
  allAnswered(m),
  target(
    'every claim booked',
    `${m.load.outcomes.booked ?? 0} of ${m.load.requests}`,
    (m.load.outcomes.booked ?? 0) === m.load.requests,
  ),
  target('zero double bookings', String(m.doubleBookings), m.doubleBookings === 0),
];

export const naiveUncontendedClaims: Scenario = {
  name: 'naive_uncontended_claims',
  title: 'Naive baseline: SELECT … FOR UPDATE, every caller a different free slot',
  baseline: 'baseline',
  run: async (ctx) => claimFreeSlots(ctx, await ctx.naive(), ctx.naiveFreeSlots, naiveDoubleBookings),
  targets: (m, ratio, o) => everyClaimBooked(m, ratio, o),
};

export const uncontendedClaims: Scenario = {
  name: 'uncontended_claims',
  title: 'book_appointment, every caller a different free slot',
  baseline: 'naive_uncontended_claims',
  run: async (ctx) => claimFreeSlots(ctx, await ctx.slotkeeper(), ctx.freeSlots, overlappingPairs),
  targets: (m, ratio, o) => [
    ...everyClaimBooked(m, ratio, o),
    target(
      '≥ 1.5× the naive uncontended claims/s',
      ratio === undefined ? 'n/a' : `${ratio.toFixed(2)}×`,
      (ratio ?? 0) >= 1.5,
    ),
    target('p99 < 50 ms', `${m.load.latencyMs.p99} ms`, m.load.latencyMs.p99 < 50),
  ],
};
