import type { TenantTx } from '../tenant-scope.ts';

export interface CallRow {
  id: string;
  tenantId: string;
  vapiCallId: string;
  state: string;
  snapshot: unknown;
  version: number;
}

/**
 * Takes the call's lock for the rest of the transaction and reads the call. The lock is an advisory lock on the
 * call's key rather than a row lock, so it also covers a call whose row does not exist yet, and the transitions saved
 * while it is held (on other connections) commit at once instead of waiting for the event to finish.
 */
export async function lockCall(tx: TenantTx, tenantId: string, vapiCallId: string): Promise<CallRow | undefined> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${`call/${tenantId}/${vapiCallId}`}, 0))`;
  const [row] = await tx<CallRow[]>`
    select id, tenant_id, vapi_call_id, state, snapshot, version from calls
     where tenant_id = ${tenantId} and vapi_call_id = ${vapiCallId}`;
  return row;
}

export async function insertCall(
  tx: TenantTx,
  c: {
    id: string;
    tenantId: string;
    vapiCallId: string;
    callerNumber: string | null;
    state: string;
    snapshot: unknown;
    input: unknown;
  },
): Promise<CallRow> {
  const [row] = await tx<CallRow[]>`
    insert into calls (id, tenant_id, vapi_call_id, caller_number, state, snapshot, machine_input)
    values (${c.id}, ${c.tenantId}, ${c.vapiCallId}, ${c.callerNumber}, ${c.state}, ${tx.json(c.snapshot as never)}, ${tx.json(c.input as never)})
    returning id, tenant_id, vapi_call_id, state, snapshot, version`;
  return row!;
}

/**
 * Saves the snapshot after one transition and appends the event to the audit trail; returns the new version. A
 * compare-and-set on the version the saving copy last saw: when the stored call has moved on since (another instance
 * handled a step), nothing is written and the answer is undefined.
 */
export async function saveTransition(
  tx: TenantTx,
  t: {
    callRowId: string;
    expectedVersion: number;
    snapshot: unknown;
    state: string;
    flagged: boolean;
    event: { type: string };
    before: string;
  },
): Promise<number | undefined> {
  const [row] = await tx<{ version: number }[]>`
    with u as (
      update calls set snapshot = ${tx.json(t.snapshot as never)}, state = ${t.state}, version = version + 1,
                       flagged_for_human = flagged_for_human or ${t.flagged}, updated_at = now()
       where id = ${t.callRowId} and version = ${t.expectedVersion}
      returning version)
    insert into call_events (call_id, seq, event_type, event, state_before, state_after)
    select ${t.callRowId}, u.version, ${t.event.type}, ${tx.json(t.event as never)}, ${t.before}, ${t.state} from u
    returning seq as version`;
  return row?.version;
}

export interface CallReport {
  endedReason: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  /** endedAt − startedAt when both are sane (src/vapi/call-report.ts); fits duration_seconds. */
  durationSeconds: number | null;
  summary: string | null;
  transcript: string | null;
  structuredData: unknown;
  successEvaluation: string | null;
  cost: number | null;
  analysis: unknown;
  report: unknown;
}

/**
 * Stores the end-of-call report on the call; a repeated report overwrites it with the same values. Returns the call's
 * id, or undefined when there is no such call.
 */
export async function saveCallReport(
  tx: TenantTx,
  tenantId: string,
  vapiCallId: string,
  r: CallReport,
): Promise<string | undefined> {
  const json = (v: unknown) => (v === null || v === undefined ? null : tx.json(v as never));
  const [row] = await tx<{ id: string }[]>`
    update calls set
      ended_reason = coalesce(${r.endedReason}, ended_reason),
      started_at = coalesce(${r.startedAt}, started_at),
      ended_at = coalesce(${r.endedAt}, ended_at),
      duration_seconds = coalesce(${r.durationSeconds}, duration_seconds),
      summary = coalesce(${r.summary}, summary),
      transcript = coalesce(${r.transcript}, transcript),
      structured_data = coalesce(${json(r.structuredData)}, structured_data),
      success_evaluation = coalesce(${r.successEvaluation}, success_evaluation),
      cost = coalesce(${r.cost}, cost),
      analysis = coalesce(${json(r.analysis)}, analysis),
      report = ${json(r.report)},
      report_received_at = now()
     where tenant_id = ${tenantId} and vapi_call_id = ${vapiCallId}
    returning id`;
  return row?.id;
}

/** Records why a call ended when only a status-update says so (the report may come later, or never). */
export async function saveEndedReason(
  tx: TenantTx,
  tenantId: string,
  vapiCallId: string,
  reason: string | null,
): Promise<void> {
  await tx`update calls set ended_reason = coalesce(ended_reason, ${reason}) where tenant_id = ${tenantId} and vapi_call_id = ${vapiCallId}`;
}
