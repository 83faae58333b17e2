import type { LeadReason } from '../../domain/lead.ts';
import type { TenantTx } from '../tenant-scope.ts';

export interface AdminLeadRow {
  id: string;
  callId: string;
  vapiCallId: string;
  callerNumber: string | null;
  score: number;
  reasons: LeadReason[];
  hot: boolean;
  createdAt: Date;
}

export interface LeadFilter {
  minScore?: number;
  hot?: boolean;
  callerNumber?: string;
  /** Local dates in the clinic's zone, both included. */
  from?: string;
  to?: string;
  /** Keyset: rows strictly before this (created_at, id). */
  before?: { at: Date; id: string };
  limit: number;
}

const SELECT = `
  select l.id, l.call_id, c.vapi_call_id, l.caller_number, l.score, l.reasons, l.hot, l.created_at
    from leads l
    join calls c on c.tenant_id = l.tenant_id and c.id = l.call_id
    join tenants t on t.id = l.tenant_id`;

/** Newest first; keyset on (created_at, id). */
export async function listLeads(tx: TenantTx, tenantId: string, f: LeadFilter): Promise<AdminLeadRow[]> {
  return [
    ...(await tx<AdminLeadRow[]>`
    ${tx.unsafe(SELECT)}
     where l.tenant_id = ${tenantId}
       and (${f.minScore ?? null}::int is null or l.score >= ${f.minScore ?? null})
       and (${f.hot ?? null}::boolean is null or l.hot = ${f.hot ?? null})
       and (${f.callerNumber ?? null}::text is null or l.caller_number = ${f.callerNumber ?? null})
       and (${f.from ?? null}::date is null or (l.created_at at time zone t.time_zone)::date >= ${f.from ?? null}::date)
       and (${f.to ?? null}::date is null or (l.created_at at time zone t.time_zone)::date <= ${f.to ?? null}::date)
       and (${f.before?.at ?? null}::timestamptz is null or (l.created_at, l.id) < (${f.before?.at ?? null}, ${f.before?.id ?? null}::uuid))
     order by l.created_at desc, l.id desc
     limit ${f.limit}`),
  ];
}

export async function findLead(tx: TenantTx, tenantId: string, id: string): Promise<AdminLeadRow | undefined> {
  const [row] = await tx<AdminLeadRow[]>`${tx.unsafe(SELECT)} where l.tenant_id = ${tenantId} and l.id = ${id}`;
  return row;
}
