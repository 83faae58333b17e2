import { z } from 'zod';
import type { CallReport } from '../db/queries/calls.ts';
import type { VapiMessage } from './envelope.ts';

// Lenient like the envelope: every field optional, anything unexpected kept in the raw report.
const text = z.string().max(1_000_000).optional().catch(undefined);
const Report = z.looseObject({
  endedReason: text,
  startedAt: text,
  endedAt: text,
  cost: z.number().finite().optional().catch(undefined),
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

const when = (iso: string | undefined): Date | null => {
  const d = iso ? new Date(iso) : null;
  return d && !Number.isNaN(d.getTime()) ? d : null;
};

/**
 * The parts of an end-of-call report kept on the call: `analysis`/`artifact` first, then the top-level fields older
 * payloads carried. The whole message is kept too (lead scoring reads it later).
 */
export function readCallReport(message: VapiMessage): CallReport {
  const r = Report.parse(message);
  const success = r.analysis?.successEvaluation;
  return {
    endedReason: r.endedReason ?? null,
    startedAt: when(r.startedAt),
    endedAt: when(r.endedAt),
    summary: r.analysis?.summary ?? r.summary ?? null,
    transcript: r.artifact?.transcript ?? r.transcript ?? null,
    structuredData: r.analysis?.structuredData ?? null,
    successEvaluation: success === undefined ? null : String(success),
    cost: r.cost ?? null,
    analysis: message.analysis ?? null,
    report: message,
  };
}
