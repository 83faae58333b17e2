-- Recording a tool's answer for replay: one round trip, and the commit does not wait for the WAL flush.
-- Losing the last fraction of a second of these records in a database crash only means a repeated tool call runs
-- again, and every mutating tool is idempotent underneath (claim_slot per call and start, holds per call, the SMS
-- outbox per message); the booking itself was committed durably before its answer was recorded.
create function save_tool_result(p_tenant uuid, p_tool_call_id text, p_call_id text, p_tool text, p_response jsonb)
returns jsonb language plpgsql as $$
declare
  v_response jsonb;
begin
  perform set_config('synchronous_commit', 'off', true);
  insert into tool_call_results (tenant_id, tool_call_id, call_id, tool, response)
  values (p_tenant, p_tool_call_id, p_call_id, p_tool, p_response)
  on conflict do nothing
  returning response into v_response;
  if v_response is null then
    select response into v_response from tool_call_results where tenant_id = p_tenant and tool_call_id = p_tool_call_id;
  end if;
  return v_response;
end $$;
