import type { TenantTx } from '../tenant-scope.ts';

export interface CallSummaryRow {
  id: string;
  vapiCallId: string;
  callerNumber: string | null;
  state: string;
  flaggedForHuman: boolean;
  createdAt: Date;
  updatedAt: Date;
  endedReason: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  durationSeconds: string | null;
  summary: string | null;
  successEvaluation: string | null;
}

export interface CallEventRow {
  seq: number;
  eventType: string;
  stateBefore: string;
  stateAfter: string;
  createdAt: Date;
}

const COLUMNS = `id, vapi_call_id, caller_number, state, flagged_for_human, created_at, updated_at, ended_reason,
  started_at, ended_at, duration_seconds::text, summary, success_evaluation`;

/** Newest first; keyset on (created_at, id). */
export async function listCalls(
  tx: TenantTx,
  tenantId: string,
  f: {
    state?: string;
    flagged?: boolean;
    callerNumber?: string;
    vapiCallId?: string;
    before?: { createdAt: Date; id: string };
    limit: number;
  },
): Promise<CallSummaryRow[]> {
  return [
    ...(await tx<CallSummaryRow[]>`
    select ${tx.unsafe(COLUMNS)} from calls
     where tenant_id = ${tenantId}
       and (${f.state ?? null}::text is null or state = ${f.state ?? null})
       and (${f.flagged ?? null}::boolean is null or flagged_for_human = ${f.flagged ?? null})
       and (${f.callerNumber ?? null}::text is null or caller_number = ${f.callerNumber ?? null})
       and (${f.vapiCallId ?? null}::text is null or vapi_call_id = ${f.vapiCallId ?? null})
       and (${f.before?.createdAt ?? null}::timestamptz is null or (created_at, id) < (${f.before?.createdAt ?? null}, ${f.before?.id ?? null}::uuid))
     order by created_at desc, id desc
     limit ${f.limit}`),
  ];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A call is named by our id or by Vapi's call id (the one Vapi's logs and a caller's support request name). Vapi's
 * ids are UUIDs too, so a UUID is tried as both (ours wins if both match); anything else only as Vapi's.
 */
export const ownIdOrNull = (id: string): string | null => (UUID.test(id) ? id : null);

export async function findCall(
  tx: TenantTx,
  tenantId: string,
  id: string,
): Promise<(CallSummaryRow & { transcript: string | null }) | undefined> {
  const own = ownIdOrNull(id);
  const [row] = await tx<(CallSummaryRow & { transcript: string | null })[]>`
    select ${tx.unsafe(COLUMNS)}, transcript from calls
     where tenant_id = ${tenantId} and (vapi_call_id = ${id} or id = ${own}::uuid)
     order by id = ${own}::uuid desc nulls last limit 1`;
  return row;
}

/** The call's timeline: every transition in order. Event payloads stay out (they are the machine's business). */
export async function callEvents(tx: TenantTx, tenantId: string, callId: string): Promise<CallEventRow[]> {
  return [
    ...(await tx<CallEventRow[]>`
    select e.seq, e.event_type, e.state_before, e.state_after, e.created_at
      from call_events e join calls c on c.id = e.call_id
     where c.tenant_id = ${tenantId} and e.call_id = ${callId}
     order by e.seq`),
  ];
}
