import type { Sql } from '../client.ts';
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
 * Takes the call's lock for the rest of the transaction, then reads the call and, for a tool call, the answer already
 * recorded under its id. The lock is an advisory lock on the call's key rather than a row lock, so it also covers a
 * call whose row does not exist yet. The read is sent with the lock, not after its answer (one round trip); being a
 * statement of its own, it still reads what the previous holder of the lock committed.
 */
export async function lockCall(
  tx: TenantTx,
  tenantId: string,
  vapiCallId: string,
  toolCallId: string | null,
): Promise<{ row: CallRow | undefined; earlier: unknown }> {
  const lock = tx`select pg_advisory_xact_lock(hashtextextended(${`call/${tenantId}/${vapiCallId}`}, 0))`.execute();
  const read = tx<(Partial<CallRow> & { earlier: unknown })[]>`
    select c.id, c.tenant_id, c.vapi_call_id, c.state, c.snapshot, c.version,
           (select response from tool_call_results where tenant_id = ${tenantId} and tool_call_id = ${toolCallId}) as earlier
      from (select) one left join calls c on c.tenant_id = ${tenantId} and c.vapi_call_id = ${vapiCallId}`.execute();
  const [, [found]] = await Promise.all([lock, read]);
  const { earlier, ...row } = found!;
  return { row: row.id === null ? undefined : (row as CallRow), earlier: earlier ?? undefined };
}

/**
 * A new call's row, committed at once in one statement (sql/functions/insert_call.sql sets the tenant scope itself).
 * Takes the pool, not a TenantTx: the row is on record even if the step that needed it fails.
 */
export async function insertCall(
  sql: Sql,
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
  const [row] = await sql<CallRow[]>`
    select * from insert_call(${c.tenantId}, ${c.id}, ${c.vapiCallId}, ${c.callerNumber}, ${c.state},
                              ${sql.json(c.snapshot as never)}, ${sql.json(c.input as never)})`;
  return row!;
}

/** One transition of the call's machine, for its audit trail. */
export interface CallTransition {
  event: { type: string };
  before: string;
  after: string;
}

/** What a call step saves (sql/functions/save_call_step.sql): its transitions and the answer kept for replay. */
export interface CallStepSave {
  callRowId: string;
  /** The version the saving copy last saw: a compare-and-set. */
  expectedVersion: number;
  /** The snapshot after the transitions (ignored without transitions). */
  snapshot: unknown;
  state: string;
  flagged: boolean;
  transitions: CallTransition[];
  /** The tool's answer, recorded under its tool-call id. */
  record?: { tenantId: string; toolCallId: string; vapiCallId: string; tool: string; response: unknown };
}

export interface CallStepSaved {
  /** Undefined when the stored call had moved on (nothing was written). */
  version: number | undefined;
  /** The answer stored under the tool-call id: this one, or the first one given. */
  recorded: unknown;
}

/**
 * The statement that saves a step under the call's lock: sent as the step's last statement, with its COMMIT
 * (withCommit). A call no longer at the expected version makes it fail, and the COMMIT then rolls the step back.
 */
export function saveCallStep(tx: TenantTx, s: CallStepSave): Promise<CallStepSaved> {
  return saveCallStepQuery(tx, s, true);
}

/**
 * Saves the snapshot after one or more transitions made outside a step (an effect that outlasted its step) and
 * appends them to the audit trail; returns the new version, or undefined when the stored call has moved on since
 * (another instance handled a step), in which case nothing is written.
 */
export async function saveTransitions(tx: TenantTx, t: Omit<CallStepSave, 'record'>): Promise<number | undefined> {
  return (await saveCallStepQuery(tx, t, false)).version;
}

function saveCallStepQuery(tx: TenantTx, s: CallStepSave, lockHeld: boolean): Promise<CallStepSaved> {
  const events = s.transitions.map((e) => ({ type: e.event.type, event: e.event, before: e.before, after: e.after }));
  const r = s.record;
  return tx<{ savedVersion: number | null; recorded: unknown }[]>`
    select saved_version, recorded
      from save_call_step(${r?.tenantId ?? null}, ${s.callRowId}, ${s.expectedVersion}, ${lockHeld},
                          ${events.length ? tx.json(s.snapshot as never) : null}, ${s.state}, ${s.flagged},
                          ${tx.json(events as never)}, ${r?.toolCallId ?? null}, ${r?.vapiCallId ?? null},
                          ${r?.tool ?? null}, ${r ? tx.json(r.response as never) : null})`
    .execute()
    .then(([row]) => ({ version: row!.savedVersion ?? undefined, recorded: row!.recorded ?? undefined }));
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
