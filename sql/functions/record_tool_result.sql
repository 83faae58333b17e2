-- record_tool_result: records a tool's answer for replay (a repeated tool-call id gets its first answer again), in the
--   caller's transaction and with its commit settings.
-- Arguments: tenant, tool-call id, Vapi call id, tool name, the answer.
-- Outcomes: the answer stored for that tool-call id — this one, or the first one if another instance won the race.
-- Locks: the (tenant, tool_call_id) unique index.
-- Why apart from save_tool_result: a call step records its answer in the transaction that also commits the booking,
--   the code and the outbox rows (save_call_step), and that commit must wait for the WAL flush.
create or replace function record_tool_result(p_tenant uuid, p_tool_call_id text, p_call_id text, p_tool text, p_response jsonb)
returns jsonb language plpgsql as $$
declare
  v_response jsonb;
begin
  insert into tool_call_results (tenant_id, tool_call_id, call_id, tool, response)
  values (p_tenant, p_tool_call_id, p_call_id, p_tool, p_response)
  on conflict do nothing
  returning response into v_response;
  if v_response is null then
    select response into v_response from tool_call_results where tenant_id = p_tenant and tool_call_id = p_tool_call_id;
  end if;
  return v_response;
end $$;
