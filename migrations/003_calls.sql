-- Calls as persisted state machines, their audit trail, and the booking changes a call makes after its claim.

create table calls (
  id                 uuid primary key default gen_random_uuid(),
  tenant_id          uuid not null references tenants(id) on delete cascade,
  vapi_call_id       text not null check (length(vapi_call_id) between 1 and 200),
  caller_number      text,
  state              text not null,
  -- What the machine started with; with call_events it replays the call from the beginning.
  machine_input      jsonb not null,
  -- xstate's persisted snapshot: createActor(machine, { snapshot }) carries on from it.
  snapshot           jsonb not null,
  -- Bumped with every saved transition; an instance whose copy is older reloads the snapshot first.
  version            integer not null default 0,
  flagged_for_human  boolean not null default false,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  -- From the end-of-call report, kept whole for lead scoring: the raw message too.
  ended_reason       text,
  started_at         timestamptz,
  ended_at           timestamptz,
  duration_seconds   numeric(10, 3),
  summary            text,
  transcript         text,
  structured_data    jsonb,
  success_evaluation text,
  cost               numeric(12, 4),
  analysis           jsonb,
  report             jsonb,
  report_received_at timestamptz,
  unique (tenant_id, vapi_call_id),
  unique (tenant_id, id)
);
create index calls_tenant_updated on calls (tenant_id, updated_at desc);

-- Every event a call's machine processed, with the state before and after: replaying them rebuilds the call.
create table call_events (
  call_id      uuid not null references calls(id) on delete cascade,
  seq          integer not null check (seq > 0),
  event_type   text not null,
  event        jsonb not null,
  state_before text not null,
  state_after  text not null,
  created_at   timestamptz not null default now(),
  primary key (call_id, seq)
);

-- What a booking change reports back, so the caller can tell caches which provider time moved.
create type booking_change as (
  outcome     text,
  booking_id  uuid,
  provider_id uuid,
  starts_at   timestamptz,
  ends_at     timestamptz,
  status      text
);

-- Gives a held slot back. Only the hold's owner (its token) can release it; releasing twice changes nothing.
create function release_hold(p_tenant uuid, p_booking uuid, p_hold_token uuid) returns booking_change
language plpgsql as $$
declare
  b bookings;
begin
  update bookings set status = 'cancelled', cancelled_at = now()
   where id = p_booking and tenant_id = p_tenant and hold_token = p_hold_token and status = 'held'
  returning * into b;
  if not found then
    return row('not_held', p_booking, null, null, null, null)::booking_change;
  end if;
  return row('released', b.id, b.provider_id, b.starts_at, b.ends_at, b.status)::booking_change;
end $$;

-- Cancels a patient's own upcoming confirmed appointment (the patient is identified by phone number).
create function cancel_booking(p_tenant uuid, p_booking uuid, p_patient_phone text) returns booking_change
language plpgsql as $$
declare
  b bookings;
begin
  update bookings bk set status = 'cancelled', cancelled_at = now()
    from patients p
   where bk.id = p_booking and bk.tenant_id = p_tenant and bk.status = 'confirmed' and bk.starts_at > now()
     and p.id = bk.patient_id and p.tenant_id = p_tenant and p.phone_e164 = p_patient_phone
  returning bk.* into b;
  if not found then
    return row('not_found', p_booking, null, null, null, null)::booking_change;
  end if;
  return row('cancelled', b.id, b.provider_id, b.starts_at, b.ends_at, b.status)::booking_change;
end $$;

-- Moves a patient's appointment: the new slot is claimed (confirmed) first, then the old one is cancelled, in one
-- transaction, so the patient never ends up with neither. A new time that overlaps the old one's provider time is
-- refused as a conflict by claim_slot, like any other taken time.
create function reschedule_booking(
  p_tenant uuid, p_old uuid, p_patient_phone text, p_provider uuid, p_service uuid, p_start timestamptz, p_call_id text
) returns claim_result
language plpgsql as $$
declare
  old_b   bookings;
  pat     patients;
  r       claim_result;
begin
  select bk.* into old_b from bookings bk join patients p on p.id = bk.patient_id
   where bk.id = p_old and bk.tenant_id = p_tenant and bk.status = 'confirmed' and bk.starts_at > now()
     and p.phone_e164 = p_patient_phone
   for update of bk;
  if not found then
    r.outcome := 'not_found';
    return r;
  end if;
  select * into pat from patients where id = old_b.patient_id;
  r := claim_slot(p_tenant, p_provider, p_service, p_start, 'confirmed', p_call_id, pat.phone_e164, pat.name, pat.email);
  if r.outcome = 'created' then
    update bookings set status = 'cancelled', cancelled_at = now() where id = old_b.id;
  end if;
  return r;
end $$;

-- The sweeper: turns overdue holds into 'expired' and returns them. SKIP LOCKED lets several instances sweep at once.
create function expire_overdue_holds(p_limit integer) returns setof booking_change
language sql as $$
  with due as (
    select id from bookings where status = 'held' and expires_at <= now()
     order by expires_at limit p_limit for update skip locked
  )
  update bookings b set status = 'expired'
    from due where b.id = due.id
  returning 'expired', b.id, b.provider_id, b.starts_at, b.ends_at, b.status
$$;
