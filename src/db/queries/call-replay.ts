import type { Sql } from '../client.ts';

export interface StoredCall {
  tenantSlug: string;
  vapiCallId: string;
  state: string;
  machineInput: unknown;
  /** The recorded events in order: replayed into the machine they rebuild the call. */
  events: unknown[];
}

/**
 * A stored call by its Vapi call id, with its recorded events, for a developer replaying it. Operator work (like the
 * CLI's other commands): Vapi call ids are unique per clinic only, so more than one row means the clinic must be named.
 */
export async function storedCalls(sql: Sql, vapiCallId: string, tenantSlug: string | null): Promise<StoredCall[]> {
  return sql<StoredCall[]>`
    select t.slug as tenant_slug, c.vapi_call_id, c.state, c.machine_input,
           coalesce((select jsonb_agg(e.event order by e.seq) from call_events e where e.call_id = c.id), '[]'::jsonb) as events
      from calls c join tenants t on t.id = c.tenant_id
     where c.vapi_call_id = ${vapiCallId} and (${tenantSlug}::text is null or t.slug = ${tenantSlug})`;
}
