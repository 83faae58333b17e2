-- claim_slot: the one path by which any slot is taken — a direct booking (status 'confirmed') or a hold ('held').
-- Arguments: tenant, provider, service, start, the status to create, the Vapi call id (null for staff), the patient's
--   E.164 phone, name and optional email.
-- Outcomes (claim_result.outcome): created | existing (this call already claimed this start: idempotent) | conflict |
--   past | too_soon | too_far | closed | unknown_service | unknown_provider. Only 'created' writes anything (the patient
--   row is written only together with its booking).
-- Locks: pg_advisory_xact_lock on every provider-day the occupied range touches, in ascending order (no cycles).
-- Why READ COMMITTED: every statement after the lock sees what committed before it was granted; under REPEATABLE READ
--   the snapshot would predate the lock and two overlapping rows could both pass the check. Under all of it the
--   bookings EXCLUDE constraint refuses any overlap that got this far.
-- History: first created in migrations/002_claim_slot.sql; this file is its live definition.
create or replace function claim_slot(
  p_tenant   uuid,
  p_provider uuid,
  p_service  uuid,
  p_start    timestamptz,
  p_status   text,
  p_call_id  text,
  p_patient_phone text,
  p_patient_name  text,
  p_patient_email text default null
) returns claim_result
language plpgsql as $$
declare
  t          tenants;
  s          services;
  b          bookings;
  r          claim_result;
  v_end      timestamptz;
  v_occupied tstzrange;
  v_local    tsrange;
  v_day      date;
  v_patient  uuid;
begin
  if p_status not in ('held', 'confirmed') then
    raise exception 'claim_slot: status must be held or confirmed, not %', p_status using errcode = '22023';
  end if;

  select * into t from tenants where id = p_tenant;
  select * into s from services where id = p_service and tenant_id = p_tenant and active;
  if t.id is null or s.id is null then
    r.outcome := 'unknown_service';
    return r;
  end if;
  if not exists (select 1 from provider_services ps join providers p on p.id = ps.provider_id
                  where ps.tenant_id = p_tenant and ps.provider_id = p_provider
                    and ps.service_id = p_service and p.active) then
    r.outcome := 'unknown_provider';
    return r;
  end if;

  v_end := p_start + make_interval(mins => s.duration_minutes);
  v_occupied := tstzrange(p_start - make_interval(mins => s.buffer_before_minutes),
                          v_end + make_interval(mins => s.buffer_after_minutes), '[)');
  r.provider_id := p_provider;
  r.starts_at := p_start;
  r.ends_at := v_end;

  if p_start <= now() then
    r.outcome := 'past';
    return r;
  end if;
  if p_start < now() + make_interval(mins => t.min_notice_minutes) then
    r.outcome := 'too_soon';
    return r;
  end if;
  -- The horizon counts wall-clock days in the clinic's zone, as the availability code does.
  if p_start >= ((now() at time zone t.time_zone) + make_interval(days => t.horizon_days)) at time zone t.time_zone then
    r.outcome := 'too_far';
    return r;
  end if;

  v_local := tsrange(p_start at time zone t.time_zone, v_end at time zone t.time_zone, '[)');
  if not provider_open_hours(p_tenant, p_provider, lower(v_local)::date) @> v_local then
    r.outcome := 'closed';
    return r;
  end if;

  -- Every local day the occupied range touches, in ascending order so two claims never wait on each other in a cycle.
  for v_day in
    select generate_series((lower(v_occupied) at time zone t.time_zone)::date,
                           ((upper(v_occupied) - interval '1 microsecond') at time zone t.time_zone)::date,
                           interval '1 day')::date
  loop
    perform pg_advisory_xact_lock(provider_day_lock_key(p_provider, v_day));
  end loop;

  -- Holds past their time stop occupying the slot now, not when the sweeper next runs.
  update bookings set status = 'expired'
   where provider_id = p_provider and status = 'held' and expires_at <= now() and occupied && v_occupied;

  if p_call_id is not null then
    update bookings set status = 'expired'
     where tenant_id = p_tenant and source_call_id = p_call_id and starts_at = p_start
       and status = 'held' and expires_at <= now();
    select * into b from bookings
     where tenant_id = p_tenant and source_call_id = p_call_id and starts_at = p_start
       and status in ('held', 'confirmed');
    if found then
      if b.status = 'held' and p_status = 'confirmed' then
        update bookings set status = 'confirmed', confirmed_at = now(), expires_at = null
         where id = b.id returning * into b;
      end if;
      return row('existing', b.id, b.hold_token, b.status, b.provider_id, b.starts_at, b.ends_at, b.expires_at)::claim_result;
    end if;
  end if;

  if exists (select 1 from bookings
              where provider_id = p_provider and status in ('held', 'confirmed') and occupied && v_occupied) then
    r.outcome := 'conflict';
    return r;
  end if;

  -- The patient is recorded only together with a booking, so a refused claim writes nothing at all.
  begin
    insert into patients (tenant_id, phone_e164, name, email)
    values (p_tenant, p_patient_phone, p_patient_name, p_patient_email)
    on conflict (tenant_id, phone_e164) do update
      set name = coalesce(patients.name, excluded.name), email = coalesce(excluded.email, patients.email)
    returning id into v_patient;

    insert into bookings (tenant_id, provider_id, service_id, patient_id, status, starts_at, ends_at, occupied,
                          expires_at, source_call_id, confirmed_at)
    values (p_tenant, p_provider, p_service, v_patient, p_status, p_start, v_end, v_occupied,
            case when p_status = 'held' then now() + make_interval(secs => t.hold_ttl_seconds) end,
            p_call_id,
            case when p_status = 'confirmed' then now() end)
    returning * into b;
  exception
    when exclusion_violation then
      -- Unreachable while the lock above is honoured; kept so a bug up there still answers "taken", not an error.
      r.outcome := 'conflict';
      return r;
    when unique_violation then
      -- The same call claimed this start on another provider a moment ago (an "any provider" retry): that one stands.
      select * into b from bookings
       where tenant_id = p_tenant and source_call_id = p_call_id and starts_at = p_start
         and status in ('held', 'confirmed');
      return row('existing', b.id, b.hold_token, b.status, b.provider_id, b.starts_at, b.ends_at, b.expires_at)::claim_result;
  end;

  return row('created', b.id, b.hold_token, b.status, b.provider_id, b.starts_at, b.ends_at, b.expires_at)::claim_result;
end $$;
