import type { FastifyBaseLogger } from 'fastify';
import type { Sql } from '../db/client.ts';
import { type CallReport, saveCallReport, saveEndedReason } from '../db/queries/calls.ts';
import { withTenant } from '../db/tenant-scope.ts';
import { recordLead } from '../leads/record-lead.ts';
import { mustSave, type RecordsNotSaved } from '../observability/metrics.ts';
import type { TenantContext } from '../tenants/directory.ts';
import type { CallService } from './call-service.ts';

export interface EndCallDeps {
  sql: Sql;
  calls: CallService;
  /** Where the owner's hot-lead text links to; without it the text has no link. */
  publicUrl: string | null;
  /** Told when an SMS was queued, so it goes out now rather than at the dispatcher's next round. */
  smsQueued: () => void;
  now: () => number;
  metrics: { recordsNotSaved: RecordsNotSaved };
}

export interface CallEnding {
  vapiCallId: string;
  callerNumber: string | null;
  reason: string | null;
  /** Present for an end-of-call report; a bare "ended" status has none yet. */
  report?: CallReport;
}

/**
 * A call ended: its machine ends (releasing any hold), the report is stored whole, and the lead is scored from it.
 * Every step is harmless when repeated, as Vapi may send "ended" and the report, or the report twice. Nothing here
 * is logged and dropped: a write that fails throws, the webhook answers 500, and Vapi sends the message again.
 */
export async function endCall(
  deps: EndCallDeps,
  tenant: TenantContext,
  ending: CallEnding,
  log: FastifyBaseLogger,
): Promise<void> {
  const tenantId = tenant.tenant.id;
  const counter = deps.metrics.recordsNotSaved;
  await deps.calls.end(tenant, ending.vapiCallId, ending.callerNumber, ending.reason, deps.now());
  if (!ending.report) {
    await mustSave(counter, 'call_report', () =>
      withTenant(deps.sql, tenantId, (tx) => saveEndedReason(tx, tenantId, ending.vapiCallId, ending.reason)),
    );
    return;
  }
  const report = ending.report;
  // The report and its lead commit together; a repeated report stores the same values and scores, alerts nothing new.
  const lead = await withTenant(deps.sql, tenantId, async (tx) => {
    const callRowId = await mustSave(counter, 'call_report', () =>
      saveCallReport(tx, tenantId, ending.vapiCallId, report),
    );
    return callRowId
      ? recordLead(tx, { tenantId, callId: callRowId, publicUrl: deps.publicUrl, log, recordsNotSaved: counter })
      : undefined;
  });
  if (lead?.alerted) deps.smsQueued();
}
