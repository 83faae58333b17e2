import type { TenantTx } from '../tenant-scope.ts';

export interface ToolResultRecord {
  tenantId: string;
  toolCallId: string;
  callId: string | null;
  tool: string;
  response: unknown;
}

export async function findToolResult(tx: TenantTx, tenantId: string, toolCallId: string): Promise<unknown | undefined> {
  const [row] = await tx<{ response: unknown }[]>`
    select response from tool_call_results where tenant_id = ${tenantId} and tool_call_id = ${toolCallId}`;
  return row?.response;
}

/** Records the answer; if another request stored one first, that first answer is returned and stands. */
export async function saveToolResult(tx: TenantTx, r: ToolResultRecord): Promise<unknown> {
  const [row] = await tx<{ response: unknown }[]>`
    select save_tool_result(${r.tenantId}, ${r.toolCallId}, ${r.callId}, ${r.tool}, ${tx.json(r.response as never)}) as response`;
  return row!.response;
}

/**
 * Many records of one clinic in one statement, written behind the answers (tool-replays.ts); a record already there
 * stays. Committed without waiting for the WAL flush, like save_tool_result: a lost one only lets a repeat run again.
 */
export async function saveToolResults(tx: TenantTx, records: ToolResultRecord[]): Promise<void> {
  const rows = records.map((r) => ({
    tenant_id: r.tenantId,
    tool_call_id: r.toolCallId,
    call_id: r.callId,
    tool: r.tool,
    response: r.response,
  }));
  await tx`select set_config('synchronous_commit', 'off', true)`;
  await tx`
    insert into tool_call_results (tenant_id, tool_call_id, call_id, tool, response)
    select tenant_id, tool_call_id, call_id, tool, response
      from jsonb_to_recordset(${tx.json(rows as never)}) as r(tenant_id uuid, tool_call_id text, call_id text, tool text, response jsonb)
    on conflict do nothing`;
}
