import type { TenantTx } from '../tenant-scope.ts';

export async function findToolResult(tx: TenantTx, tenantId: string, toolCallId: string): Promise<unknown | undefined> {
  const [row] = await tx<{ response: unknown }[]>`
    select response from tool_call_results where tenant_id = ${tenantId} and tool_call_id = ${toolCallId}`;
  return row?.response;
}

/** Records the answer; if another request stored one first, that first answer is returned and stands. */
export async function saveToolResult(
  tx: TenantTx,
  r: { tenantId: string; toolCallId: string; callId: string | null; tool: string; response: unknown },
): Promise<unknown> {
  const [row] = await tx<{ response: unknown }[]>`
    select save_tool_result(${r.tenantId}, ${r.toolCallId}, ${r.callId}, ${r.tool}, ${tx.json(r.response as never)}) as response`;
  return row!.response;
}
