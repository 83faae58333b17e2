-- current_tenant_id: The tenant of the current transaction; null when none was set, which matches no row.
-- History: first created in migrations/007_rls.sql; this file is its live definition.
create or replace function current_tenant_id() returns uuid language sql stable as $$
  select nullif(current_setting('app.tenant_id', true), '')::uuid
$$;
