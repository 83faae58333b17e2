-- Foundation: clinics, their catalogue and hours, patients, and the bookings table that cannot double-book.
create extension if not exists btree_gist;

create table tenants (
  id                 uuid primary key default gen_random_uuid(),
  slug               text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name               text not null check (length(name) between 1 and 200),
  time_zone          text not null,
  country            char(2) not null check (country ~ '^[A-Z]{2}$'),
  hold_ttl_seconds   integer not null default 600 check (hold_ttl_seconds between 60 and 3600),
  otp_required       boolean not null default true,
  slot_step_minutes  integer not null default 15 check (slot_step_minutes between 5 and 240),
  min_notice_minutes integer not null default 60 check (min_notice_minutes between 0 and 43200),
  horizon_days       integer not null default 60 check (horizon_days between 1 and 730),
  hot_lead_threshold integer not null default 70 check (hot_lead_threshold between 0 and 100),
  owner_alert_phone  text check (owner_alert_phone ~ '^\+[1-9][0-9]{6,14}$'),
  -- Only the SHA-256 of the webhook secret is kept: enough to check a bearer token, useless to a thief.
  vapi_secret_sha256 bytea not null check (length(vapi_secret_sha256) = 32),
  created_at         timestamptz not null default now()
);

-- Validated here too, so a bad zone can never reach the claim function's AT TIME ZONE.
create function is_valid_time_zone(tz text) returns boolean language plpgsql stable as $$
begin
  perform now() at time zone tz;
  return true;
exception when others then
  return false;
end $$;

create function tenants_check_zone() returns trigger language plpgsql as $$
begin
  if not is_valid_time_zone(new.time_zone) then
    raise exception 'unknown time zone %', new.time_zone using errcode = '22023';
  end if;
  return new;
end $$;

create trigger tenants_zone before insert or update of time_zone on tenants
  for each row execute function tenants_check_zone();

create table tenant_phone_numbers (
  tenant_id uuid not null references tenants(id) on delete cascade,
  e164      text not null unique check (e164 ~ '^\+[1-9][0-9]{6,14}$'),
  primary key (tenant_id, e164)
);

create table providers (
  id        uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references tenants(id) on delete cascade,
  name      text not null check (length(name) between 1 and 200),
  active    boolean not null default true,
  unique (tenant_id, name),
  unique (tenant_id, id)
);

create table services (
  id                    uuid primary key default gen_random_uuid(),
  tenant_id             uuid not null references tenants(id) on delete cascade,
  slug                  text not null check (slug ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  name                  text not null check (length(name) between 1 and 200),
  duration_minutes      integer not null check (duration_minutes between 5 and 720),
  buffer_before_minutes integer not null default 0 check (buffer_before_minutes between 0 and 240),
  buffer_after_minutes  integer not null default 0 check (buffer_after_minutes between 0 and 240),
  value_cents           integer not null default 0 check (value_cents >= 0),
  active                boolean not null default true,
  unique (tenant_id, slug),
  unique (tenant_id, id)
);

create table provider_services (
  tenant_id   uuid not null,
  provider_id uuid not null,
  service_id  uuid not null,
  primary key (provider_id, service_id),
  foreign key (tenant_id, provider_id) references providers(tenant_id, id) on delete cascade,
  foreign key (tenant_id, service_id) references services(tenant_id, id) on delete cascade
);

-- Wall-clock hours in the clinic's zone; weekday is ISO (Monday = 1).
create table weekly_hours (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null,
  provider_id uuid not null,
  weekday     smallint not null check (weekday between 1 and 7),
  starts      time not null,
  ends        time not null check (ends > starts or ends = '24:00'),
  foreign key (tenant_id, provider_id) references providers(tenant_id, id) on delete cascade
);
create index weekly_hours_provider on weekly_hours (provider_id, weekday);

-- 'closed' drops the day's weekly hours; 'open' adds an interval. Both on one date replace the day.
-- provider_id null means the whole clinic.
create table date_exceptions (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null references tenants(id) on delete cascade,
  provider_id uuid,
  on_date     date not null,
  kind        text not null check (kind in ('closed', 'open')),
  starts      time,
  ends        time,
  check ((kind = 'closed' and starts is null and ends is null)
      or (kind = 'open' and starts is not null and ends is not null and (ends > starts or ends = '24:00'))),
  foreign key (tenant_id, provider_id) references providers(tenant_id, id) on delete cascade
);
create index date_exceptions_day on date_exceptions (tenant_id, on_date);

create table patients (
  id         uuid primary key default gen_random_uuid(),
  tenant_id  uuid not null references tenants(id) on delete cascade,
  phone_e164 text not null check (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  name       text,
  email      text,
  created_at timestamptz not null default now(),
  unique (tenant_id, phone_e164),
  unique (tenant_id, id)
);

create table bookings (
  id                uuid primary key default gen_random_uuid(),
  tenant_id         uuid not null,
  provider_id       uuid not null,
  service_id        uuid not null,
  patient_id        uuid,
  status            text not null check (status in ('held', 'confirmed', 'cancelled', 'expired')),
  starts_at         timestamptz not null,
  ends_at           timestamptz not null check (ends_at > starts_at),
  -- The time the provider is busy: the appointment plus the service's buffers. Computed by claim_slot, since a
  -- generated column cannot do timestamptz arithmetic (it is only stable).
  occupied          tstzrange not null check (lower(occupied) <= starts_at and upper(occupied) >= ends_at),
  expires_at        timestamptz,
  hold_token        uuid not null default gen_random_uuid(),
  source_call_id    text,
  created_at        timestamptz not null default now(),
  confirmed_at      timestamptz,
  cancelled_at      timestamptz,
  check (status <> 'held' or expires_at is not null),
  foreign key (tenant_id, provider_id) references providers(tenant_id, id),
  foreign key (tenant_id, service_id) references services(tenant_id, id),
  foreign key (tenant_id, patient_id) references patients(tenant_id, id),
  -- The last line of defence: whatever the layers above do, two active bookings of one provider never overlap.
  constraint bookings_no_overlap exclude using gist (provider_id with =, occupied with &&)
    where (status in ('held', 'confirmed'))
);
-- A repeat claim from the same call for the same start returns the same booking instead of a second one.
create unique index bookings_one_per_call_start on bookings (tenant_id, source_call_id, starts_at)
  where source_call_id is not null and status in ('held', 'confirmed');
create index bookings_tenant_time on bookings (tenant_id, starts_at);
create index bookings_held_expiry on bookings (expires_at) where status = 'held';
create index bookings_patient on bookings (tenant_id, patient_id, starts_at);

-- Answers already given, by Vapi tool-call id: a repeated tool call gets the first answer and changes nothing.
create table tool_call_results (
  tenant_id    uuid not null references tenants(id) on delete cascade,
  tool_call_id text not null,
  call_id      text,
  tool         text not null,
  response     jsonb not null,
  created_at   timestamptz not null default now(),
  primary key (tenant_id, tool_call_id)
);
