// HEAP_GROWTH_PERCENT bounds the garbage a process keeps in proportion to its live data: the same allocation pattern
// (a live set of tens of megabytes and a steady stream of short-lived objects, as the memory bench's cold reads make)
// peaks far lower with it. Measured in child processes, each with a fresh heap.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const HEAP_GROWTH = fileURLToPath(new URL('../../src/heap-growth.ts', import.meta.url));

const churn = `
import { applyHeapGrowth } from ${JSON.stringify(HEAP_GROWTH)};
applyHeapGrowth(Number(process.argv[1]));
const live = [];
for (let i = 0; i < 400_000; i++) live.push({ a: i, b: 'x' + i, c: [i, i + 1] });
let peak = 0;
const recent = [];
for (let round = 0; round < 500; round++) {
  recent.push(Array.from({ length: 20_000 }, (_, i) => ({ v: i, s: 'y' + i })));
  if (recent.length > 5) recent.shift();
  peak = Math.max(peak, process.memoryUsage().rss);
}
// The live set is still in use here, so no collection could drop it earlier.
process.stdout.write(JSON.stringify({ peakMb: Math.round(peak / 1e6), live: live.length }));
`;

async function peakRssMb(percent: number): Promise<number> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', churn, String(percent)],
    { cwd: fileURLToPath(new URL('../..', import.meta.url)) },
  );
  return (JSON.parse(stdout) as { peakMb: number }).peakMb;
}

describe('applyHeapGrowth', () => {
  it('keeps a far smaller heap for the same live data and garbage than V8 left to itself', async () => {
    const own = await peakRssMb(0);
    const bounded = await peakRssMb(50);
    expect(own).toBeGreaterThan(0);
    expect(bounded).toBeLessThan(own * 0.75);
  });
});
