import type { FastifyBaseLogger } from 'fastify';
import { callFacts, findEndedCall, insertLead, queueLeadAlert } from '../db/queries/leads.ts';
import type { TenantTx } from '../db/tenant-scope.ts';
import type { LeadScore } from '../domain/lead.ts';
import { mustSave, type RecordsNotSaved } from '../observability/metrics.ts';
import { hotLeadText } from './alert-text.ts';
import { signalsFromReport } from './report.ts';
import { scoreLead } from './score.ts';
import { DEFAULT_LEAD_WEIGHTS, LeadWeights } from './weights.ts';

export interface RecordedLead extends LeadScore {
  hot: boolean;
  /** false when the call had been scored already (the report arrived twice): nothing new was stored or sent. */
  created: boolean;
  alerted: boolean;
}

/**
 * Scores a call once its end-of-call report is stored, keeps the lead, and queues one owner alert for a hot one.
 * Safe to run again for the same call: the first lead stands and no second alert goes out. Runs in the caller's
 * tenant transaction, so the lead is stored with whatever the caller stored it from.
 */
export async function recordLead(
  tx: TenantTx,
  o: {
    tenantId: string;
    callId: string;
    publicUrl: string | null;
    log: FastifyBaseLogger;
    recordsNotSaved: RecordsNotSaved;
  },
): Promise<RecordedLead | undefined> {
  const call = await findEndedCall(tx, o.tenantId, o.callId);
  if (!call) return undefined;
  const weights = LeadWeights.safeParse(call.leadWeights);
  if (!weights.success) o.log.warn({ tenant: call.tenantId }, 'lead weights invalid; scoring with the defaults');

  const lead = scoreLead(
    signalsFromReport(call, await callFacts(tx, call)),
    weights.success ? weights.data : DEFAULT_LEAD_WEIGHTS,
  );
  const hot = lead.score >= call.hotLeadThreshold;
  const alert =
    hot && call.ownerAlertPhone
      ? {
          to: call.ownerAlertPhone,
          body: hotLeadText({
            clinic: call.clinicName,
            caller: call.callerNumber,
            lead,
            detailUrl: o.publicUrl ? `${o.publicUrl.replace(/\/$/, '')}/dashboard/calls/${call.id}` : null,
          }),
        }
      : null;
  const { created } = await mustSave(o.recordsNotSaved, 'lead', () =>
    insertLead(tx, {
      tenantId: call.tenantId,
      callId: call.id,
      callerNumber: call.callerNumber,
      score: lead.score,
      reasons: lead.reasons,
      hot,
    }),
  );
  // Only with a new lead: the first report's lead queued the one alert there is.
  if (created && alert)
    await mustSave(o.recordsNotSaved, 'outbox', () =>
      queueLeadAlert(tx, { tenantId: call.tenantId, callId: call.id, ...alert }),
    );
  o.log.info({ callId: call.vapiCallId, score: lead.score, hot, created, alerted: created && !!alert }, 'lead scored');
  return { ...lead, hot, created, alerted: created && !!alert };
}
