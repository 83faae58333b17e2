import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what survived the last full collection before collecting again. By default V8
 * picks a factor up to 4×: a server whose live data is 90 MB (slot actors and clinics of 1,000 clinics) then holds
 * 340 MB of mostly garbage. A fixed percentage bounds that in proportion to the live data, paying with more frequent
 * collections; a cap (--max-old-space-size) would instead crash the process when the live data outgrew it.
 * Set from inside the process so every way of starting it (Docker, npm start, the bench) obeys one setting; the flag
 * is not one NODE_OPTIONS accepts. V8 reads it whenever it sizes the heap after a collection, so setting it at start-up
 * takes effect as if given on the command line.
 */
export function applyHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
