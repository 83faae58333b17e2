-- save_tool_result: records a tool's answer for replay, committed without waiting for the WAL flush.
-- Arguments: tenant, tool-call id, Vapi call id, tool name, the answer.
-- Outcomes: the answer stored for that tool-call id — this one, or the first one if another instance won the race.
-- Locks: the (tenant, tool_call_id) unique index.
-- Commit: asynchronous for the rest of the transaction, so only for a transaction that records nothing else (the
--   coordinator's replay records): a record lost to a crash only lets a repeat of the tool call run again. A call step
--   uses record_tool_result inside save_call_step instead.
-- History: first created in migrations/008_tool_result_async_commit.sql; this file is its live definition.
create or replace function save_tool_result(p_tenant uuid, p_tool_call_id text, p_call_id text, p_tool text, p_response jsonb)
returns jsonb language plpgsql as $$
begin
  perform set_config('synchronous_commit', 'off', true);
  return record_tool_result(p_tenant, p_tool_call_id, p_call_id, p_tool, p_response);
end $$;
