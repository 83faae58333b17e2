import { checkAvailabilityCall } from './check-availability.ts';
import { measure, perSecond, type Scenario } from './scenario.ts';

export const baseline: Scenario = {
  name: 'baseline',
  title: 'Baseline: fastify, same body, fixed answer',
  async run(ctx) {
    const endpoint = await ctx.baseline();
    const load = await measure(ctx, {
      ...endpoint,
      connections: ctx.options.connections,
      nextCall: checkAvailabilityCall(ctx),
    });
    return { status: 'ok', load, throughput: perSecond(load, 'req/s') };
  },
};
