-- is_opted_out: whether a number asked a clinic for no more texts (STOP), in one statement (sent outside any BEGIN,
--   it is its own transaction), so the look-up before texting a code costs one round trip instead of BEGIN,
--   scope + select, COMMIT.
-- Arguments: tenant; the number in E.164.
-- Outcomes: true when the clinic holds an opt-out for the number.
-- Locks: none.
-- Why it enters the tenant scope itself (enter_tenant_scope): sent on its own, it is its own transaction, so the
--   row-level security of migrations/007_rls.sql holds the read to p_tenant without a BEGIN around it.
create or replace function is_opted_out(p_tenant uuid, p_phone text) returns boolean
language plpgsql as $$
begin
  perform enter_tenant_scope(p_tenant);
  return exists (select 1 from sms_opt_outs o where o.tenant_id = p_tenant and o.phone_e164 = p_phone);
end;
$$;
