import { z } from 'zod';
import type { CallReport } from '../db/queries/calls.ts';
import type { VapiMessage } from './envelope.ts';

// Lenient like the envelope: every field optional, anything unexpected kept in the raw report.
const text = z.string().max(1_000_000).optional().catch(undefined);
const Report = z.looseObject({
  endedReason: text,
  startedAt: text,
  endedAt: text,
  // calls.cost is numeric(12,4); Vapi's costs are dollars and cents.
  cost: z.number().min(0).max(1_000_000).optional().catch(undefined),
  summary: text,
  transcript: text,
  analysis: z
    .looseObject({
      summary: text,
      structuredData: z.record(z.string(), z.unknown()).optional().catch(undefined),
      successEvaluation: z.union([z.string(), z.boolean(), z.number()]).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
  artifact: z.looseObject({ transcript: text }).optional().catch(undefined),
});

/**
 * Sane bounds for a report's times: Vapi did not exist before 2020, and this century is enough. Anything outside
 * ("started in 2000", year -1, year 275760) is kept in the raw report only.
 */
const EARLIEST = Date.UTC(2020, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);
/** Vapi caps a call at 12 hours; a longer "duration" is two unrelated times (and overflows numeric(10,3)). */
const LONGEST_CALL_SECONDS = 86_400;

const when = (iso: string | undefined): Date | null => {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return t >= EARLIEST && t < LATEST ? new Date(t) : null;
};

function duration(startedAt: Date | null, endedAt: Date | null): number | null {
  if (!startedAt || !endedAt) return null;
  const seconds = (endedAt.getTime() - startedAt.getTime()) / 1000;
  return seconds >= 0 && seconds <= LONGEST_CALL_SECONDS ? seconds : null;
}

/**
 * The parts of an end-of-call report kept on the call: `analysis`/`artifact` first, then the top-level fields older
 * payloads carried. The whole message is kept too (lead scoring reads it later).
 */
export function readCallReport(message: VapiMessage): CallReport {
  const r = Report.parse(message);
  const success = r.analysis?.successEvaluation;
  const startedAt = when(r.startedAt);
  const endedAt = when(r.endedAt);
  return {
    endedReason: r.endedReason ?? null,
    startedAt,
    endedAt,
    durationSeconds: duration(startedAt, endedAt),
    summary: r.analysis?.summary ?? r.summary ?? null,
    transcript: r.artifact?.transcript ?? r.transcript ?? null,
    structuredData: r.analysis?.structuredData ?? null,
    successEvaluation: success === undefined ? null : String(success),
    cost: r.cost ?? null,
    analysis: message.analysis ?? null,
    report: message,
  };
}
