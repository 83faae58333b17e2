// npm run bench -- [--only <scenario>[,<scenario>…]] [--duration <s>] [--connections <n>] [--warmup <s>]
//                  [--contention-connections <n>] [--contended-slots <n>] [--phone-calls 250,500,1000,2000]
//                  [--pause 3-8] [--seed <n>] [--memory-clinics 1000] [--memory-providers 20] [--memory-days 90]
//                  [--memory-bookings-per-day 4] [--memory-duration <s>] [--memory-heap-growth 25] [--profile]

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { runBench } from './harness/bench.ts';
import { PROJECT_ROOT } from './harness/processes.ts';
import { renderMarkdown } from './harness/results.ts';

const Options = z.object({
  only: z
    .string()
    .optional()
    .transform((v) =>
      v
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  duration: z.coerce.number().positive().max(3600).default(10),
  warmup: z.coerce.number().nonnegative().max(600).default(2),
  connections: z.coerce.number().int().min(1).max(2000).default(50),
  'contention-connections': z.coerce.number().int().min(1).max(2000).default(200),
  'contended-slots': z.coerce.number().int().min(1).max(20).default(4),
  'phone-calls': z
    .string()
    .default('250,500,1000,2000')
    .transform((v) => v.split(',').map(Number))
    .pipe(z.array(z.number().int().min(1).max(20_000)).min(1)),
  pause: z
    .string()
    .default('3-8')
    .transform((v) => v.split('-').map(Number))
    .pipe(z.tuple([z.number().nonnegative(), z.number().nonnegative()])),
  seed: z.coerce.number().int().default(14),
  'memory-clinics': z.coerce.number().int().min(1).max(100_000).default(1000),
  'memory-providers': z.coerce.number().int().min(1).max(200).default(20),
  'memory-days': z.coerce.number().int().min(1).max(365).default(90),
  'memory-bookings-per-day': z.coerce.number().int().min(0).max(24).default(4),
  'memory-duration': z.coerce.number().positive().max(3600).default(180),
  // The memory scenario's server runs with HEAP_GROWTH_PERCENT at this (0: V8's own sizing), as a deployment of
  // many clinics would be configured; docs/performance.md gives both.
  'memory-heap-growth': z.coerce.number().int().min(0).max(400).default(25),
  profile: z.boolean().default(false),
});

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    'contention-connections': { type: 'string' },
    'contended-slots': { type: 'string' },
    'phone-calls': { type: 'string' },
    pause: { type: 'string' },
    seed: { type: 'string' },
    'memory-clinics': { type: 'string' },
    'memory-providers': { type: 'string' },
    'memory-days': { type: 'string' },
    'memory-bookings-per-day': { type: 'string' },
    'memory-duration': { type: 'string' },
    'memory-heap-growth': { type: 'string' },
    profile: { type: 'boolean' },
  },
});
const parsed = Options.safeParse(values);
if (!parsed.success) {
  console.error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  process.exit(2);
}
const o = parsed.data;
const results = join(PROJECT_ROOT, 'bench/results');

const report = await runBench({
  only: o.only,
  seconds: o.duration,
  warmupSeconds: o.warmup,
  connections: o.connections,
  contentionConnections: o['contention-connections'],
  contendedSlots: o['contended-slots'],
  phoneCalls: o['phone-calls'],
  pauseSeconds: o.pause as [number, number],
  seed: o.seed,
  memory: {
    clinics: o['memory-clinics'],
    providers: o['memory-providers'],
    days: o['memory-days'],
    bookingsPerDay: o['memory-bookings-per-day'],
    seconds: o['memory-duration'],
    heapGrowthPercent: o['memory-heap-growth'],
  },
  adminDatabaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  // Per run unless named, so two benchmarks on one machine (two worktrees, an A/B comparison) never meet.
  databaseName: process.env.BENCH_DATABASE ?? `slotkeeper_bench_${process.pid}`,
  jsonPath: join(results, 'latest.json'),
  mdPath: join(results, 'latest.md'),
  profileDir: o.profile ? results : undefined,
  log: (line) => console.error(`[bench] ${line}`),
});
console.log(renderMarkdown(report));
