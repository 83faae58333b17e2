import { z } from 'zod';
import type { CallReport } from '../db/queries/calls.ts';
import type { CallFacts, LeadSignals } from '../domain/lead.ts';

// The report's columns on `calls` (src/vapi/call-report.ts reads them) have the summary, transcript and analysis but
// not who said what: the caller's turns come from the raw message kept beside them. Lenient: only what is read is
// named (../shared/reference/vapi-protocol.md §3.2).
const Turn = z.looseObject({ role: z.string().optional(), message: z.string().optional() });
const Turns = z.array(Turn).optional().catch(undefined);
const RawReport = z.looseObject({
  artifact: z.looseObject({ messages: Turns }).optional().catch(undefined),
  messages: Turns,
  durationSeconds: z.number().nonnegative().max(86_400).optional().catch(undefined),
});

export function signalsFromReport(report: CallReport, facts: CallFacts): LeadSignals {
  const raw = RawReport.safeParse(report.report);
  const turns = raw.success ? (raw.data.artifact?.messages ?? raw.data.messages ?? []) : [];
  const structured = report.structuredData;
  return {
    ...facts,
    callerText: callerText(turns, report.transcript ?? ''),
    summary: report.summary ?? '',
    structuredData:
      structured && typeof structured === 'object' && !Array.isArray(structured)
        ? (structured as Record<string, unknown>)
        : null,
    successEvaluation: report.successEvaluation,
    durationSeconds: durationSeconds(report, raw.success ? raw.data.durationSeconds : undefined),
  };
}

/** The caller's turns: from the messages when present, else the "User:" lines of the transcript. */
function callerText(turns: z.infer<typeof Turn>[], transcript: string): string {
  const said = turns.filter((m) => m.role === 'user' && m.message).map((m) => m.message!);
  if (said.length) return said.join('\n');
  return transcript
    .split(/\n|(?=\b(?:AI|Assistant|Bot|User|Customer):)/)
    .map((line) => /^\s*(?:User|Customer):\s*(.*)$/i.exec(line)?.[1]?.trim())
    .filter((line): line is string => !!line)
    .join('\n');
}

/** Vapi's spec has no duration field: endedAt − startedAt as stored, else the undocumented durationSeconds older payloads had. */
function durationSeconds(report: Pick<CallReport, 'durationSeconds'>, reported: number | undefined): number | null {
  return report.durationSeconds ?? reported ?? null;
}
