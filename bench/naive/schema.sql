-- The comparison point for contention: slots as rows, a booking takes the slot row with SELECT … FOR UPDATE.
create table slots (
  id         bigserial primary key,
  provider   text not null,
  starts_at  timestamptz not null,
  ends_at    timestamptz not null,
  booked     boolean not null default false,
  unique (provider, starts_at)
);

create table bookings (
  id            bigserial primary key,
  slot_id       bigint not null references slots(id),
  call_id       text not null,
  patient_name  text not null,
  patient_phone text not null,
  created_at    timestamptz not null default now()
);
