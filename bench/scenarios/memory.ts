import { DateTime } from 'luxon';
import { CLINIC } from '../harness/bench-clinic.ts';
import { runLoad } from '../harness/load.ts';
import { seeded } from './phone-calls.ts';
import { allAnswered, type Scenario, target } from './scenario.ts';

const RSS_LIMIT_MB = 300;
/** The bounds the server sets itself (coordinator.ts ACTOR_LIMITS, booking-service.ts ALTERNATIVES_KEPT). */
const BOUNDS: Record<string, number> = { slot_actors: 10_000, alternatives: 10_000 };
const SAMPLE_MS = 2_000;

/** The server's resident memory and in-memory entry counts, from its own /metrics. */
async function sample(server: string): Promise<{ rssMb: number; entries: Record<string, number> }> {
  const text = await (await fetch(`${server}/metrics`)).text();
  const rss = Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1] ?? NaN);
  const entries: Record<string, number> = {};
  for (const m of text.matchAll(/^slotkeeper_in_memory_entries\{kind="([^"]+)"\} (\S+)$/gm))
    entries[m[1]!] = Number(m[2]);
  return { rssMb: Math.round(rss / 2 ** 20), entries };
}

export const memory: Scenario = {
  name: 'memory',
  title: 'Memory: check_availability across many booked-up clinics',
  async run(ctx) {
    const o = ctx.options.memory;
    const clinics = await ctx.manyClinics();
    const random = seeded(ctx.options.seed);
    const today = DateTime.now().setZone(CLINIC.zone).startOf('day');
    const days = Array.from({ length: o.days }, (_, i) => today.plus({ days: i + 1 }).toISODate()!);
    const before = await sample(clinics.server);
    const peak = { rssMb: before.rssMb, entries: { ...before.entries } };
    const sampler = setInterval(() => {
      void sample(clinics.server).then(
        (s) => {
          peak.rssMb = Math.max(peak.rssMb, s.rssMb);
          for (const [k, v] of Object.entries(s.entries)) peak.entries[k] = Math.max(peak.entries[k] ?? 0, v);
        },
        () => {},
      );
    }, SAMPLE_MS);
    const load = await runLoad({
      url: `${clinics.server}/vapi/${clinics.slugs[0]}`,
      secret: clinics.secret,
      connections: ctx.options.connections,
      seconds: o.seconds,
      countOutcomes: true,
      nextCall: () => {
        const { callId, toolCallId, customerNumber } = ctx.caller();
        const slug = clinics.slugs[Math.floor(random() * clinics.slugs.length)]!;
        const date = days[Math.floor(random() * days.length)]!;
        return {
          callId,
          customerNumber,
          path: `/vapi/${slug}`,
          call: { id: toolCallId, name: 'check_availability', args: { date } },
        };
      },
    });
    clearInterval(sampler);
    const after = await sample(clinics.server);
    peak.rssMb = Math.max(peak.rssMb, after.rssMb);
    return {
      status: 'ok',
      load,
      throughput: { value: peak.rssMb, unit: 'MB peak RSS' },
      notes: [
        `${clinics.slugs.length} clinics × ${o.providers} providers × ${o.days} days, ${clinics.bookings} bookings; ` +
          `RSS ${before.rssMb} MB before the lookups, ${after.rssMb} MB after, peak ${peak.rssMb} MB ` +
          `(server with HEAP_GROWTH_PERCENT=${o.heapGrowthPercent})`,
        `in-memory entries at the peak: ${JSON.stringify(peak.entries)}; at the end: ${JSON.stringify(after.entries)}`,
      ],
      judged: Object.entries(BOUNDS).map(([kind, bound]) =>
        target(
          `${kind} bounded (≤ ${bound.toLocaleString('en-US')})`,
          `peak ${peak.entries[kind] ?? 0}`,
          (peak.entries[kind] ?? 0) <= bound,
        ),
      ),
    };
  },
  targets: (m) => [
    allAnswered(m),
    target(`peak RSS < ${RSS_LIMIT_MB} MB`, `${m.throughput.value} MB`, m.throughput.value < RSS_LIMIT_MB),
  ],
};
