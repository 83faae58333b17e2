import type { CallFacts, LeadReason } from '../../domain/lead.ts';
import type { TenantTx } from '../tenant-scope.ts';
import type { CallReport } from './calls.ts';

export interface EndedCall extends CallReport {
  id: string;
  tenantId: string;
  vapiCallId: string;
  callerNumber: string | null;
  clinicName: string;
  hotLeadThreshold: number;
  ownerAlertPhone: string | null;
  leadWeights: unknown;
}

/** A call whose end-of-call report has arrived, with what scoring needs of its clinic. */
export async function findEndedCall(tx: TenantTx, tenantId: string, callId: string): Promise<EndedCall | undefined> {
  const [row] = await tx<EndedCall[]>`
    select c.id, c.tenant_id, c.vapi_call_id, c.caller_number,
           c.ended_reason, c.started_at, c.ended_at, c.duration_seconds::float as duration_seconds, c.summary, c.transcript, c.structured_data, c.success_evaluation,
           c.cost::float as cost, c.analysis, c.report,
           t.name as clinic_name, t.hot_lead_threshold, t.owner_alert_phone, t.lead_weights
      from calls c join tenants t on t.id = c.tenant_id
     where c.tenant_id = ${tenantId} and c.id = ${callId} and c.report is not null`;
  return row;
}

/**
 * What the call's own records say: its bookings, the states its machine passed through (call_events), and whether
 * the caller was a patient before the call started.
 */
export async function callFacts(
  tx: TenantTx,
  call: Pick<EndedCall, 'id' | 'tenantId' | 'vapiCallId' | 'callerNumber'>,
): Promise<CallFacts> {
  const [row] = await tx<
    {
      bookedService: string | null;
      bookedValueCents: number | null;
      held: boolean;
      codeVerified: boolean;
      escalated: boolean;
      knownBefore: boolean;
    }[]
  >`
    select
      (select s.name from bookings b join services s on s.id = b.service_id
        where b.tenant_id = c.tenant_id and b.source_call_id = c.vapi_call_id and b.status = 'confirmed'
        order by s.value_cents desc limit 1) as booked_service,
      (select s.value_cents from bookings b join services s on s.id = b.service_id
        where b.tenant_id = c.tenant_id and b.source_call_id = c.vapi_call_id and b.status = 'confirmed'
        order by s.value_cents desc limit 1) as booked_value_cents,
      exists (select 1 from bookings b where b.tenant_id = c.tenant_id and b.source_call_id = c.vapi_call_id) as held,
      exists (select 1 from call_events e where e.call_id = c.id and e.state_before = 'verifying' and e.state_after = 'booked') as code_verified,
      c.flagged_for_human or exists (select 1 from call_events e where e.call_id = c.id and e.state_after = 'escalated') as escalated,
      exists (select 1 from patients p where p.tenant_id = c.tenant_id and p.phone_e164 = c.caller_number
                 and p.created_at < c.created_at) as known_before
      from calls c where c.id = ${call.id} and c.tenant_id = ${call.tenantId}`;
  const r = row!;
  return {
    booked: r.bookedService ? { name: r.bookedService, valueCents: r.bookedValueCents ?? 0 } : null,
    held: r.held,
    codeVerified: r.codeVerified,
    escalated: r.escalated,
    newPatient: call.callerNumber ? !r.knownBefore : null,
  };
}

export interface NewLead {
  tenantId: string;
  callId: string;
  callerNumber: string | null;
  score: number;
  reasons: LeadReason[];
  hot: boolean;
}

/** Stores the call's lead. A call already scored (the report came twice) keeps its first lead: `created` is false. */
export async function insertLead(tx: TenantTx, lead: NewLead): Promise<{ created: boolean }> {
  const inserted = await tx`
    insert into leads (tenant_id, call_id, caller_number, score, reasons, hot)
    values (${lead.tenantId}, ${lead.callId}, ${lead.callerNumber}, ${lead.score}, ${tx.json(lead.reasons as never)}, ${lead.hot})
    on conflict (tenant_id, call_id) do nothing
    returning id`;
  return { created: inserted.length > 0 };
}

/** Queues the owner's hot-lead text for a call, once whatever happens (dedupe key). */
export async function queueLeadAlert(
  tx: TenantTx,
  a: { tenantId: string; callId: string; to: string; body: string },
): Promise<void> {
  await tx`
    insert into sms_outbox (tenant_id, call_id, kind, to_e164, body, dedupe_key)
    values (${a.tenantId}, ${a.callId}, 'alert', ${a.to}, ${a.body}, ${`alert:${a.callId}`})
    on conflict (tenant_id, dedupe_key) do nothing`;
}
