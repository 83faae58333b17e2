-- dashboard_notify: Tells every app instance that something on a clinic's dashboard changed. Sent by a trigger, so it goes out when
-- (and only if) the transaction commits; the payload is small on purpose (NOTIFY allows 8000 bytes): dashboards
-- fetch fresh data themselves. Argument 0 is the kind, argument 1 the column holding the id.
-- History: first created in migrations/005_leads_dashboard.sql; this file is its live definition.
create or replace function dashboard_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('slotkeeper_dashboard', json_build_object(
    'tenantId', new.tenant_id,
    'kind', tg_argv[0],
    'id', to_jsonb(new) ->> tg_argv[1])::text);
  return null;
end $$;
