-- The operator's gauges (/metrics) count open calls and recent leads across all clinics at every scrape; the existing
-- indexes lead with tenant_id, so without these each scrape would read the whole table.
create index if not exists calls_open_by_activity on calls (updated_at) where report_received_at is null;
create index if not exists leads_by_time on leads (created_at);
