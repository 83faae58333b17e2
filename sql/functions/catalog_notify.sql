-- catalog_notify: Tells every app instance that a clinic's settings or catalogue changed, so the tenant directory each keeps in
-- memory (src/tenants/directory.ts) drops that clinic at once instead of serving it stale until its entry expires.
-- Sent by triggers, so it covers the admin API and a hand-written UPDATE alike, and goes out only on commit.
-- PostgreSQL folds identical notifications of one transaction into one, so replacing a week of hours sends one.
-- History: first created in migrations/010_catalog_notify.sql; this file is its live definition.
create or replace function catalog_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('slotkeeper_catalog', to_jsonb(case when tg_op = 'DELETE' then old else new end) ->> tg_argv[0]);
  return null;
end $$;
