import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

const Latency = z.object({ p50: z.number(), p97_5: z.number(), p99: z.number(), max: z.number(), mean: z.number() });

export const LoadResult = z.object({
  connections: z.number().int().positive(),
  seconds: z.number().positive(),
  requests: z.number().int().nonnegative(),
  perSecond: z.number().nonnegative(),
  latencyMs: Latency,
  non2xx: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  timeouts: z.number().int().nonnegative(),
  outcomes: z.record(z.string(), z.number().int().nonnegative()),
});

export const Target = z.object({ goal: z.string(), actual: z.string(), met: z.boolean() });

export const ScenarioResult = z.object({
  name: z.string(),
  title: z.string(),
  status: z.enum(['ok', 'skipped']),
  /** Why a scenario was skipped. */
  reason: z.string().optional(),
  /** The number compared with the baseline, and what it counts. */
  throughput: z.object({ value: z.number().nonnegative(), unit: z.string() }).optional(),
  load: LoadResult.optional(),
  /** Per-step latency of multi-step scenarios. */
  steps: z.record(z.string(), z.object({ count: z.number().int().nonnegative(), latencyMs: Latency })).optional(),
  doubleBookings: z.number().int().nonnegative().optional(),
  baseline: z.object({ scenario: z.string(), ratio: z.number().nonnegative() }).optional(),
  targets: z.array(Target),
  notes: z.array(z.string()),
});

export const BenchResults = z.object({
  version: z.literal(1),
  startedAt: z.string(),
  finishedAt: z.string(),
  machine: z.object({
    cpus: z.number().int().positive(),
    cpuModel: z.string(),
    memoryGiB: z.number(),
    os: z.string(),
    node: z.string(),
    postgres: z.string(),
    redis: z.string().nullable(),
  }),
  options: z.object({
    seconds: z.number().positive(),
    warmupSeconds: z.number().nonnegative(),
    connections: z.number().int().positive(),
    contentionConnections: z.number().int().positive(),
    contendedSlots: z.number().int().positive(),
    phoneCalls: z.array(z.number().int().positive()),
    pauseSeconds: z.tuple([z.number().nonnegative(), z.number().nonnegative()]),
    seed: z.number().int(),
    memory: z.object({
      clinics: z.number().int().positive(),
      providers: z.number().int().positive(),
      days: z.number().int().positive(),
      bookingsPerDay: z.number().int().nonnegative(),
      seconds: z.number().positive(),
    }),
  }),
  scenarios: z.array(ScenarioResult),
});

export type LoadResult = z.infer<typeof LoadResult>;
export type Target = z.infer<typeof Target>;
export type ScenarioResult = z.infer<typeof ScenarioResult>;
export type BenchResults = z.infer<typeof BenchResults>;

export async function writeResults(results: BenchResults, jsonPath: string, mdPath: string): Promise<void> {
  await mkdir(dirname(jsonPath), { recursive: true });
  await writeFile(jsonPath, `${JSON.stringify(BenchResults.parse(results), null, 2)}\n`);
  await writeFile(mdPath, renderMarkdown(results));
}

const ms = (n: number) => `${n} ms`;
const ratio = (r: ScenarioResult) => (r.baseline ? `${r.baseline.ratio.toFixed(2)}× ${r.baseline.scenario}` : '—');
const outcomes = (o: Record<string, number>) =>
  Object.entries(o)
    .sort(([, a], [, b]) => b - a)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '—';

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const lines = [
    `# Slotkeeper benchmark`,
    '',
    `${r.startedAt} · ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB · ${m.os} · Node ${m.node} · PostgreSQL ${m.postgres} · ` +
      `Redis ${m.redis ?? 'not used'}`,
    `${r.options.seconds} s per scenario after ${r.options.warmupSeconds} s warm-up · ${r.options.connections} connections ` +
      `(contention: ${r.options.contentionConnections} over ${r.options.contendedSlots} slots) · server, load generator ` +
      `and databases share the machine`,
    '',
    '| scenario | conn. | throughput | p50 | p97.5 | p99 | vs baseline (same run) | answers | double bookings |',
    '|---|---:|---:|---:|---:|---:|---|---|---:|',
  ];
  for (const s of r.scenarios) {
    if (s.status === 'skipped') {
      lines.push(`| ${s.title} | | skipped: ${s.reason} | | | | | | |`);
      continue;
    }
    const l = s.load;
    lines.push(
      `| ${s.title} | ${l?.connections ?? ''} | ${s.throughput ? `${s.throughput.value} ${s.throughput.unit}` : ''} | ` +
        `${l ? ms(l.latencyMs.p50) : ''} | ${l ? ms(l.latencyMs.p97_5) : ''} | ${l ? ms(l.latencyMs.p99) : ''} | ${ratio(s)} | ` +
        `${l ? outcomes(l.outcomes) + (l.non2xx ? `, non-2xx ${l.non2xx}` : '') + (l.errors ? `, errors ${l.errors}` : '') : ''} | ` +
        `${s.doubleBookings ?? ''} |`,
    );
  }
  const withSteps = r.scenarios.filter((s) => s.steps);
  for (const s of withSteps) {
    lines.push('', `**${s.title}, per step**`, '', '| step | count | p50 | p97.5 | p99 |', '|---|---:|---:|---:|---:|');
    for (const [step, v] of Object.entries(s.steps!)) {
      lines.push(
        `| ${step} | ${v.count} | ${ms(v.latencyMs.p50)} | ${ms(v.latencyMs.p97_5)} | ${ms(v.latencyMs.p99)} |`,
      );
    }
  }
  const targets = r.scenarios.flatMap((s) => s.targets.map((t) => ({ ...t, scenario: s.title })));
  if (targets.length) {
    lines.push('', '**Targets**', '', '| scenario | target | measured | met |', '|---|---|---|---|');
    for (const t of targets) lines.push(`| ${t.scenario} | ${t.goal} | ${t.actual} | ${t.met ? 'yes' : '**no**'} |`);
  }
  const notes = r.scenarios.flatMap((s) => s.notes.map((n) => `- ${s.title}: ${n}`));
  if (notes.length) lines.push('', '**Notes**', '', ...notes);
  return `${lines.join('\n')}\n`;
}
