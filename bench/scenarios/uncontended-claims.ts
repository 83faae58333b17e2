import { overlappingPairs } from '../../src/db/queries/bookings.ts';
import { allAnswered, measure, pct, perSecond, type Scenario, target } from './scenario.ts';

export const PATIENT_NAME = 'Jordan Bench';

export const uncontendedClaims: Scenario = {
  name: 'uncontended_claims',
  title: 'book_appointment, every caller a different free slot',
  baseline: 'baseline',
  async run(ctx) {
    const endpoint = await ctx.slotkeeper();
    const load = await measure(ctx, {
      ...endpoint,
      connections: ctx.options.connections,
      countOutcomes: true,
      nextCall: () => {
        const { callId, toolCallId, customerNumber } = ctx.caller();
        const slot = ctx.freeSlots.take();
        return {
          callId,
          customerNumber,
          call: { id: toolCallId, name: 'book_appointment', args: { start: slot.start, provider: slot.provider, patient_name: PATIENT_NAME } },
        };
      },
    });
    const notes = ctx.freeSlots.taken > ctx.freeSlots.capacity ? [`ran out of planned free slots (${ctx.freeSlots.capacity}); later claims were conflicts`] : [];
    return { status: 'ok', load, throughput: perSecond(load, 'claims/s'), doubleBookings: await overlappingPairs(endpoint.sql), notes };
  },
  targets: (m, ratio) => [
    allAnswered(m),
    target('every claim booked', `${m.load.outcomes.booked ?? 0} of ${m.load.requests}`, (m.load.outcomes.booked ?? 0) === m.load.requests),
    target('≥ 25% of the baseline throughput', pct(ratio), (ratio ?? 0) >= 0.25),
    target('p99 < 50 ms', `${m.load.latencyMs.p99} ms`, m.load.latencyMs.p99 < 50),
  ],
};
