-- enter_tenant_scope: the one definition of "act as this clinic" for the rest of the current transaction — the tenant
--   role and app.tenant_id, both set local, so they end with the transaction and never leak to the next user of a
--   pooled connection.
-- Arguments: the tenant.
-- Outcomes: none; from here on the row-level security of migrations/007_rls.sql holds every statement to p_tenant.
-- Locks: none.
-- Why a function: withTenant (src/db/tenant-scope.ts) sends it as a multi-statement transaction's first statement,
--   and the single-statement functions (claim_slot_answered, insert_call, is_opted_out) call it first, so the scope
--   is written once.
create or replace function enter_tenant_scope(p_tenant uuid) returns void
language plpgsql as $$
begin
  perform set_config('role', 'slotkeeper_tenant', true), set_config('app.tenant_id', p_tenant::text, true);
end;
$$;
