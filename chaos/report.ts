// The figures of a run, printed for a person and returned for chaos/results/summary.json.

import type { Finding } from './checker.ts';
import type { Fault } from './faults.ts';
import type { Exchange } from './history.ts';
import type { FlowResult } from './traffic.ts';

export interface RunFacts {
  seed: number;
  short: boolean;
  trafficMs: number;
  totalMs: number;
  exchanges: Exchange[];
  flows: FlowResult[];
  faults: Fault[];
  findings: Finding[];
  figures: Record<string, number>;
}

const count = <T>(items: T[], key: (item: T) => string) => {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
};
const line = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

export function printReport(r: RunFacts) {
  const answer = (e: Exchange) => {
    if (e.reply && !e.failure) return e.reply.status;
    if (e.http && e.http !== 200) return `HTTP ${e.http}`;
    return e.failure ? 'no answer' : `HTTP ${e.http}`;
  };
  const answers = count(r.exchanges, (e) => `${e.tool ?? e.type}: ${answer(e)}`);
  const perKind = count(r.flows, (f) => f.op.kind);
  const outcomes = {
    claim: count(
      r.flows.filter((f) => f.op.kind === 'claim'),
      (f) => f.outcome,
    ),
    call: count(
      r.flows.filter((f) => f.op.kind === 'call'),
      (f) => f.outcome,
    ),
  };
  const faults = r.faults.map((f) => ({
    kind: f.kind,
    instance: f.instance,
    callsInFlight: f.callsInFlight,
    faultMs: f.liftedAt - f.injectedAt,
    healthyAfterLiftMs: f.recoveredAt === undefined ? null : f.recoveredAt - f.liftedAt,
  }));
  const out = [
    '',
    `Chaos run, seed ${r.seed}${r.short ? ' (short)' : ''}: repeat its plan with npm run chaos -- ${r.short ? '--short ' : ''}--seed ${r.seed}`,
    `  time: ${(r.trafficMs / 1000).toFixed(0)} s of traffic, ${(r.totalMs / 1000).toFixed(0)} s in all`,
    `  requests: ${r.exchanges.length} (${line(count(r.exchanges, (e) => e.type))})`,
    `  claims (book_appointment): ${perKind.claim ?? 0}; whole calls: ${perKind.call ?? 0}`,
    `  faults: ${r.faults.length} (${line(count(r.faults, (f) => f.kind))})`,
    ...faults.map(
      (f) =>
        `    ${f.kind}${f.instance === undefined ? '' : ` #${f.instance}`}${f.callsInFlight === undefined ? '' : ` (${f.callsInFlight} call steps in flight)`}: ${f.faultMs} ms, healthy ${f.healthyAfterLiftMs ?? 'never'} ms after`,
    ),
    '  answers:',
    ...Object.entries(answers).map(([k, n]) => `    ${k}: ${n}`),
    `  claim outcomes: ${line(outcomes.claim)}`,
    `  call outcomes: ${line(outcomes.call)}`,
    '  figures:',
    ...Object.entries(r.figures).map(([k, n]) => `    ${k}: ${n}`),
    r.findings.length === 0 ? '  checker: no findings' : `  checker: ${r.findings.length} finding(s)`,
    ...r.findings.flatMap((f) => [`    ✗ ${f.check}: ${f.count}`, ...f.examples.map((x) => `        ${x}`)]),
    '',
  ];
  console.log(out.join('\n'));
  return {
    seed: r.seed,
    short: r.short,
    trafficMs: r.trafficMs,
    requests: r.exchanges.length,
    flows: perKind,
    faults,
    answers,
    outcomes,
    figures: r.figures,
    findings: r.findings,
  };
}
