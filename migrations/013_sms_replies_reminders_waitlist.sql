-- Two-way SMS: reminders scheduled in the outbox, replies patients send (confirm, reschedule, cancel, STOP/START),
-- opt-outs per number and clinic, and a waitlist whose offers hold a freed slot through the ordinary claim path.

alter table tenants
  -- Hours before an appointment a reminder goes out; '{}' sends none. Default: the day before.
  add column reminder_hours         integer[] not null default '{24}'
    check (cardinality(reminder_hours) <= 3 and reminder_hours <@ array[1, 2, 3, 4, 6, 12, 24, 48, 72]),
  -- No reminder or offer is sent between these wall-clock times in the clinic's zone (the span may cross midnight);
  -- equal times mean no quiet hours.
  add column quiet_hours_start      time not null default '21:00',
  add column quiet_hours_end        time not null default '08:00',
  -- How long a waitlist offer holds a freed slot for the patient it was texted to.
  add column waitlist_offer_minutes integer not null default 15 check (waitlist_offer_minutes between 5 and 120);

-- Reminders and offers are outbox rows too. send_after: not before then (the dispatcher's clock); null = at once.
-- 'cancelled': a reminder whose appointment was cancelled or moved; 'suppressed': the number had opted out when due.
alter table sms_outbox
  add column send_after timestamptz,
  drop constraint sms_outbox_kind_check,
  add constraint sms_outbox_kind_check
    check (kind in ('otp', 'confirmation', 'cancellation', 'reschedule', 'alert', 'reminder', 'offer')),
  drop constraint sms_outbox_status_check,
  add constraint sms_outbox_status_check
    check (status in ('pending', 'sending', 'sent', 'failed', 'unknown', 'cancelled', 'suppressed'));
create index sms_outbox_booking_reminders on sms_outbox (booking_id) where kind = 'reminder' and status = 'pending';
-- The latest reminder sent to a number: what a reply is matched to.
create index sms_outbox_sent_reminders on sms_outbox (tenant_id, to_e164, sent_at desc) where kind = 'reminder';

-- "C"/"YES" to a reminder.
alter table bookings add column patient_confirmed_at timestamptz;

-- A number that asked this clinic for no more texts (STOP and the like); START removes the row.
create table sms_opt_outs (
  tenant_id    uuid not null references tenants(id) on delete cascade,
  phone_e164   text not null check (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  keyword      text not null check (length(keyword) between 1 and 40),
  -- 'sms': the patient texted it; 'staff': recorded through the admin API for a patient who asked otherwise.
  source       text not null check (source in ('sms', 'staff')),
  opted_out_at timestamptz not null default now(),
  primary key (tenant_id, phone_e164)
);

-- Every inbound message once, by Twilio's MessageSid: a retried delivery finds its row and changes nothing.
create table sms_inbound (
  tenant_id   uuid not null references tenants(id) on delete cascade,
  message_sid text not null check (message_sid ~ '^[A-Za-z0-9]{10,64}$'),
  from_e164   text not null check (from_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  body        text not null check (length(body) <= 1600),
  -- What it was understood as and what was answered (null: nothing said).
  handled_as  text,
  reply       text,
  received_at timestamptz not null default now(),
  primary key (tenant_id, message_sid)
);
create index sms_inbound_from on sms_inbound (tenant_id, from_e164, received_at desc);

-- "Reply YES to cancel your … appointment": the open question, one per number and clinic.
create table sms_cancel_questions (
  id         uuid primary key default gen_random_uuid(),
  tenant_id  uuid not null references tenants(id) on delete cascade,
  phone_e164 text not null check (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  booking_id uuid not null references bookings(id) on delete cascade,
  asked_at   timestamptz not null default now(),
  closed_at  timestamptz
);
create unique index sms_cancel_questions_open on sms_cancel_questions (tenant_id, phone_e164) where closed_at is null;

-- "R" to a reminder: the patient wants a call back to move the appointment (the dashboard's call-back list).
create table reschedule_requests (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid not null references tenants(id) on delete cascade,
  patient_id   uuid not null,
  booking_id   uuid not null references bookings(id) on delete cascade,
  phone_e164   text not null check (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  message_sid  text not null,
  requested_at timestamptz not null default now(),
  foreign key (tenant_id, patient_id) references patients(tenant_id, id) on delete cascade,
  unique (tenant_id, message_sid)
);
create index reschedule_requests_recent on reschedule_requests (tenant_id, requested_at desc);

-- People who want an earlier or other time than was free: offered freed time first come, first served.
create table waitlist_entries (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid not null references tenants(id) on delete cascade,
  phone_e164   text not null check (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  patient_name text check (length(patient_name) between 1 and 200),
  service_id   uuid not null,
  provider_id  uuid,
  -- Local dates in the clinic's zone, both included.
  from_date    date not null,
  to_date      date not null check (to_date >= from_date),
  time_of_day  text check (time_of_day in ('morning', 'afternoon', 'evening')),
  -- 'waiting' until booked from an offer or removed by staff.
  status       text not null default 'waiting' check (status in ('waiting', 'booked', 'removed')),
  source       text not null check (source in ('call', 'staff')),
  vapi_call_id text,
  booking_id   uuid references bookings(id) on delete set null,
  created_at   timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, service_id) references services(tenant_id, id) on delete cascade,
  foreign key (tenant_id, provider_id) references providers(tenant_id, id) on delete cascade
);
create index waitlist_entries_queue on waitlist_entries (tenant_id, created_at) where status = 'waiting';
-- A repeated join_waitlist from the same call (a retried tool call) adds no second entry.
create unique index waitlist_entries_one_per_call on waitlist_entries (tenant_id, vapi_call_id, service_id)
  where vapi_call_id is not null and status = 'waiting';

-- A freed slot offered to one entry, held for it (bookings row, status 'held') until a reply or expires_at.
create table waitlist_offers (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null references tenants(id) on delete cascade,
  entry_id    uuid not null,
  booking_id  uuid not null unique references bookings(id) on delete cascade,
  hold_token  uuid not null,
  provider_id uuid not null,
  starts_at   timestamptz not null,
  expires_at  timestamptz not null,
  status      text not null default 'open' check (status in ('open', 'accepted', 'declined', 'expired', 'lost')),
  created_at  timestamptz not null default now(),
  decided_at  timestamptz,
  foreign key (tenant_id, entry_id) references waitlist_entries(tenant_id, id) on delete cascade
);
-- One open offer per entry at a time; the hold itself (bookings_no_overlap) keeps two offers off the same time.
create unique index waitlist_offers_one_open on waitlist_offers (entry_id) where status = 'open';
create index waitlist_offers_open_expiry on waitlist_offers (expires_at) where status = 'open';

select apply_tenant_isolation();
