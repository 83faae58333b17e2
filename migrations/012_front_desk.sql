-- The front desk's screen: who handled a call back, and appointments the patient did not come to.

-- A call back is done once staff say so. The queue itself is a query over its sources (src/db/queries/callbacks.ts);
-- this table only remembers which of its items were handled, keyed by the source's kind and the source row's id, so a
-- new source needs no change here.
create table callback_done (
  tenant_id   uuid not null references tenants(id) on delete cascade,
  source_kind text not null check (source_kind ~ '^[a-z_]{1,40}$'),
  source_id   text not null check (length(source_id) between 1 and 200),
  -- What the item said when it was handled (masked number and reason): the source may change later.
  what        text not null check (length(what) <= 300),
  -- The name the receptionist gave, and the API key the session came from (null for a sign-in link).
  handled_by  text not null check (length(btrim(handled_by)) between 1 and 100),
  key_id      uuid references tenant_api_keys(id) on delete set null,
  done_at     timestamptz not null default now(),
  primary key (tenant_id, source_kind, source_id)
);

-- A booked appointment the patient did not come to. Not a status: the booking stays 'confirmed' (it did hold the
-- provider's time), and only a started appointment can be marked.
alter table bookings add column no_show_at timestamptz;
alter table bookings add constraint bookings_no_show_confirmed
  check (no_show_at is null or (status = 'confirmed' and no_show_at >= starts_at));

create trigger callback_done_dashboard after insert on callback_done
  for each row execute function dashboard_notify('callback', 'source_id');
create trigger bookings_no_show_dashboard after update of no_show_at on bookings
  for each row execute function dashboard_notify('booking', 'id');

select apply_tenant_isolation();
