-- Row-level security: tenant work sees only its tenant's rows, even if a query forgets its tenant_id filter.
--
-- How the app uses it (src/db/tenant-scope.ts): tenant work runs in a transaction that does
--   set local role slotkeeper_tenant; select set_config('app.tenant_id', <id>, true);
-- so the role and the tenant end with the transaction and never leak to the next user of a pooled connection.
-- Operator work (creating clinics, looking up API keys and webhook credentials, sweepers across clinics) stays on
-- the connecting role, which owns the tables and so is not subject to these policies. That keeps one pool and one
-- set of credentials; the price is that a statement able to run "reset role" could leave the tenant role, so the
-- tenant role is the guard against forgotten filters, not against SQL injection (which parameters prevent).

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'slotkeeper_tenant') then
    create role slotkeeper_tenant nologin noinherit nobypassrls;
  end if;
end $$;

-- The connecting role must be allowed to switch to it (a superuser always may).
grant slotkeeper_tenant to current_user;
grant usage on schema public to slotkeeper_tenant;
grant select, insert, update, delete on all tables in schema public to slotkeeper_tenant;
grant usage, select on all sequences in schema public to slotkeeper_tenant;

-- The tenant of the current transaction; null when none was set, which matches no row.
create function current_tenant_id() returns uuid language sql stable as $$
  select nullif(current_setting('app.tenant_id', true), '')::uuid
$$;

-- Enables RLS and one isolation policy on every table with a tenant_id column that has none yet, and grants the
-- tenant role on it. Later migrations that add tenant-owned tables call it again.
create function apply_tenant_isolation() returns setof text language plpgsql as $$
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

select apply_tenant_isolation();

-- A call's events belong to the call's clinic; the subquery on calls is itself held to the tenant by its policy.
alter table call_events enable row level security;
create policy tenant_isolation on call_events to slotkeeper_tenant
  using (exists (select 1 from calls c where c.id = call_events.call_id))
  with check (exists (select 1 from calls c where c.id = call_events.call_id));

-- The clinic's own row.
alter table tenants enable row level security;
create policy tenant_isolation on tenants to slotkeeper_tenant
  using (id = current_tenant_id()) with check (id = current_tenant_id());
