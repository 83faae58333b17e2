import { baseline } from './baseline.ts';
import { checkAvailability, checkAvailabilityDemo } from './check-availability.ts';
import { contention, naiveContention } from './contention.ts';
import { fullCall } from './full-call.ts';
import { memory } from './memory.ts';
import { phoneCalls } from './phone-calls.ts';
import type { Scenario } from './scenario.ts';
import { naiveUncontendedClaims, uncontendedClaims } from './uncontended-claims.ts';

/** In running order: every baseline runs before the scenarios compared with it. */
export const scenarios: readonly Scenario[] = [
  baseline,
  checkAvailabilityDemo,
  checkAvailability,
  naiveUncontendedClaims,
  uncontendedClaims,
  naiveContention,
  contention,
  fullCall,
  phoneCalls,
  memory,
];

/** The scenarios asked for plus, transitively, their baselines, so every ratio is measured in the same run. */
export function selectScenarios(only: string[] | undefined): Scenario[] {
  if (!only?.length) return [...scenarios];
  const byName = new Map(scenarios.map((s) => [s.name, s]));
  const unknown = only.filter((n) => !byName.has(n));
  if (unknown.length)
    throw new Error(`Unknown scenario ${unknown.join(', ')}; there are ${[...byName.keys()].join(', ')}.`);
  const wanted = new Set<string>();
  const add = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    const b = byName.get(name)!.baseline;
    if (b) add(b);
  };
  only.forEach(add);
  return scenarios.filter((s) => wanted.has(s.name));
}
