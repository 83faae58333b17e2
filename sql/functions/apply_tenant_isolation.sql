-- apply_tenant_isolation: Enables RLS and one isolation policy on every table with a tenant_id column that has none yet, and grants the
-- tenant role on it. Later migrations that add tenant-owned tables call it again.
-- History: first created in migrations/007_rls.sql; this file is its live definition.
create or replace function apply_tenant_isolation() returns setof text language plpgsql as $$
declare
  t text;
begin
  for t in
    select c.table_name from information_schema.columns c
      join information_schema.tables tb on tb.table_schema = c.table_schema and tb.table_name = c.table_name
     where c.table_schema = 'public' and c.column_name = 'tenant_id' and tb.table_type = 'BASE TABLE'
       and not exists (select 1 from pg_policies p where p.schemaname = 'public' and p.tablename = c.table_name
                                                     and p.policyname = 'tenant_isolation')
  loop
    execute format('alter table %I enable row level security', t);
    execute format('create policy tenant_isolation on %I to slotkeeper_tenant
                      using (tenant_id = current_tenant_id()) with check (tenant_id = current_tenant_id())', t);
    execute format('grant select, insert, update, delete on %I to slotkeeper_tenant', t);
    return next t;
  end loop;
end $$;
