-- insert_call: a new call's row in one statement (sent outside any BEGIN, it is its own transaction), so a call's
--   first step pays one round trip for it instead of BEGIN, scope + insert, COMMIT.
-- Arguments: tenant; the row's id, the Vapi call id, the caller's number, the machine's state, its persisted snapshot
--   and the input it started with.
-- Outcomes: the new row (id, tenant_id, vapi_call_id, state, snapshot, version). A second row for the same Vapi call
--   id fails on the calls' unique key, as the plain insert always did.
-- Locks: none beyond the insert's own.
-- Why it enters the tenant scope itself (enter_tenant_scope): sent on its own, it is its own transaction, so the
--   row-level security of migrations/007_rls.sql holds the insert to p_tenant without a BEGIN around it.
create or replace function insert_call(
  p_tenant        uuid,
  p_id            uuid,
  p_vapi_call_id  text,
  p_caller_number text,
  p_state         text,
  p_snapshot      jsonb,
  p_input         jsonb
) returns table (id uuid, tenant_id uuid, vapi_call_id text, state text, snapshot jsonb, version integer)
language plpgsql as $$
begin
  perform enter_tenant_scope(p_tenant);
  return query
    insert into calls as c (id, tenant_id, vapi_call_id, caller_number, state, snapshot, machine_input)
    values (p_id, p_tenant, p_vapi_call_id, p_caller_number, p_state, p_snapshot, p_input)
    returning c.id, c.tenant_id, c.vapi_call_id, c.state, c.snapshot, c.version;
end;
$$;
