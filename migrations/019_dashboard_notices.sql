-- The dashboard's change notices leave the committing transaction. A trigger that pg_notify'd made every booking,
-- call step and text a notifying commit, and PostgreSQL runs notifying commits one at a time: a database-wide lock
-- taken before the commit record and held through its WAL flush. Now the triggers (sql/functions/dashboard_notify.sql)
-- add a row here, inside the transaction and only if it commits, and each instance's hub takes the rows a few times a
-- second and notifies them in one commit of its own (src/db/queries/dashboard-notices.ts).
-- Unlogged: a notice is worth nothing after a crash (pages fetch afresh when their stream reconnects), so it costs
-- no WAL. No tenant_id column and only INSERT for the tenant role: a clinic can leave notices, never read any.
create unlogged table dashboard_notices (payload text not null);
grant insert on dashboard_notices to slotkeeper_tenant;
