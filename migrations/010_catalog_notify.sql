-- Tells every app instance that a clinic's settings or catalogue changed, so the tenant directory each keeps in
-- memory (src/tenants/directory.ts) drops that clinic at once instead of serving it stale until its entry expires.
-- Sent by triggers, so it covers the admin API and a hand-written UPDATE alike, and goes out only on commit.
-- PostgreSQL folds identical notifications of one transaction into one, so replacing a week of hours sends one.
create function catalog_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('slotkeeper_catalog', to_jsonb(case when tg_op = 'DELETE' then old else new end) ->> tg_argv[0]);
  return null;
end $$;

create trigger tenants_catalog after insert or update or delete on tenants
  for each row execute function catalog_notify('id');
create trigger providers_catalog after insert or update or delete on providers
  for each row execute function catalog_notify('tenant_id');
create trigger services_catalog after insert or update or delete on services
  for each row execute function catalog_notify('tenant_id');
create trigger provider_services_catalog after insert or update or delete on provider_services
  for each row execute function catalog_notify('tenant_id');
create trigger weekly_hours_catalog after insert or update or delete on weekly_hours
  for each row execute function catalog_notify('tenant_id');
create trigger date_exceptions_catalog after insert or update or delete on date_exceptions
  for each row execute function catalog_notify('tenant_id');
