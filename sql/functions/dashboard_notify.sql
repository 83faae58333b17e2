-- dashboard_notify: a trigger telling every app instance that something on a clinic's dashboard changed. It leaves
--   the notice in dashboard_notices, so it goes out when (and only if) the transaction commits, and the commit does
--   not wait for PostgreSQL's database-wide NOTIFY lock (migrations/019_dashboard_notices.sql says why); the hub sends
--   it on. The payload is small on purpose (NOTIFY allows 8000 bytes): dashboards fetch fresh data themselves.
-- Arguments (the trigger's): 0 the kind, 1 the column holding the id.
-- History: first created in migrations/005_leads_dashboard.sql; this file is its live definition.
create or replace function dashboard_notify() returns trigger language plpgsql as $$
begin
  insert into dashboard_notices (payload) values (json_build_object(
    'tenantId', new.tenant_id,
    'kind', tg_argv[0],
    'id', to_jsonb(new) ->> tg_argv[1])::text);
  return null;
end $$;
