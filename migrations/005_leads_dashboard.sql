-- Leads scored at the end of each call, the clinic's scoring weights, and change notices for the live dashboard.

-- Only what the clinic changed from the defaults in src/leads/weights.ts; '{}' means all defaults.
alter table tenants add column lead_weights jsonb not null default '{}'
  check (jsonb_typeof(lead_weights) = 'object');

create table leads (
  id            uuid primary key default gen_random_uuid(),
  tenant_id     uuid not null references tenants(id) on delete cascade,
  call_id       uuid not null,
  caller_number text,
  score         integer not null check (score between 0 and 100),
  -- [{"points": 25, "text": "asked for price of implants"}, …], strongest first.
  reasons       jsonb not null check (jsonb_typeof(reasons) = 'array'),
  -- Score ≥ the clinic's threshold when scored; an alert goes out only for these.
  hot           boolean not null,
  created_at    timestamptz not null default now(),
  -- One lead per call: a second end-of-call report for the same call scores nothing and alerts nobody.
  unique (tenant_id, call_id),
  foreign key (tenant_id, call_id) references calls(tenant_id, id) on delete cascade
);
create index leads_recent on leads (tenant_id, created_at desc);

-- Tells every app instance that something on a clinic's dashboard changed. Sent by a trigger, so it goes out when
-- (and only if) the transaction commits; the payload is small on purpose (NOTIFY allows 8000 bytes): dashboards
-- fetch fresh data themselves. Argument 0 is the kind, argument 1 the column holding the id.
create function dashboard_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('slotkeeper_dashboard', json_build_object(
    'tenantId', new.tenant_id,
    'kind', tg_argv[0],
    'id', to_jsonb(new) ->> tg_argv[1])::text);
  return null;
end $$;

create trigger bookings_dashboard after insert or update of status on bookings
  for each row execute function dashboard_notify('booking', 'id');
create trigger leads_dashboard after insert on leads
  for each row execute function dashboard_notify('lead', 'call_id');
create trigger calls_dashboard after insert or update of state, report_received_at on calls
  for each row execute function dashboard_notify('call', 'id');
create trigger sms_dashboard after insert or update of status, delivery_status on sms_outbox
  for each row execute function dashboard_notify('sms', 'id');
