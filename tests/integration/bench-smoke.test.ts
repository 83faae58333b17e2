// Runs the benchmark code for about a second per scenario and checks the results file it writes. Not a benchmark:
// the numbers are not judged here (timings are never asserted in tests), only that the harness works end to end.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runBench } from '../../bench/harness/bench.ts';
import { BenchResults } from '../../bench/harness/results.ts';

describe('bench smoke run', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slotkeeper-bench-smoke-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('runs uncontended claims with their baselines and a few phone calls, and writes well-formed results', async () => {
    const jsonPath = join(dir, 'latest.json');
    const mdPath = join(dir, 'latest.md');
    const databaseName = `sk_t_${inject('runId')}_bench`;
    await runBench({
      only: ['uncontended_claims', 'phone_calls'],
      seconds: 1,
      warmupSeconds: 0,
      connections: 4,
      contentionConnections: 4,
      contendedSlots: 2,
      phoneCalls: [3],
      pauseSeconds: [0, 0.02],
      seed: 1,
      memory: { clinics: 2, providers: 2, days: 2, bookingsPerDay: 1, seconds: 1, heapGrowthPercent: 50 },
      adminDatabaseUrl: inject('databaseUrl'),
      redisUrl: inject('redisUrl'),
      // Named like the test databases, so the suite's teardown drops it even if this run is interrupted.
      databaseName,
      jsonPath,
      mdPath,
    });

    const results = BenchResults.parse(JSON.parse(await readFile(jsonPath, 'utf8')));
    expect(results.scenarios.map((s) => s.name)).toEqual([
      'baseline',
      'naive_uncontended_claims',
      'uncontended_claims',
      'phone_calls',
    ]);
    const claims = results.scenarios.find((s) => s.name === 'uncontended_claims')!;
    expect(claims.status).toBe('ok');
    expect(claims.load!.requests).toBeGreaterThan(0);
    expect(claims.load!.non2xx).toBe(0);
    expect(claims.load!.outcomes.booked).toBe(claims.load!.requests);
    expect(claims.doubleBookings).toBe(0);
    expect(claims.baseline?.scenario).toBe('naive_uncontended_claims');
    const naive = results.scenarios.find((s) => s.name === 'naive_uncontended_claims')!;
    expect(naive.load!.outcomes.booked).toBe(naive.load!.requests);
    expect(naive.doubleBookings).toBe(0);
    // Three whole calls, each booked, every step answered; the p99 goal itself is not judged here.
    const calls = results.scenarios.find((s) => s.name === 'phone_calls')!;
    expect(calls.status).toBe('ok');
    expect(calls.load!.outcomes).toEqual({ booked: 3 });
    expect(calls.steps!['N=3 verify_otp']!.count).toBe(3);
    expect(calls.steps!['N=3 end_of_call_report']!.count).toBe(3);
    expect(calls.doubleBookings).toBe(0);
    expect(results.machine.postgres).not.toBe('');

    const markdown = await readFile(mdPath, 'utf8');
    expect(markdown).toContain('| book_appointment, every caller a different free slot |');

    // The run's cache, locks and replay records went with it: nothing is left under its prefix in the shared Redis.
    const redis = new Redis(inject('redisUrl')!);
    try {
      expect(await redis.keys(`${databaseName}:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
