-- queue_reminders: queues an appointment's reminders as outbox rows the dispatcher sends not before `send_after`,
--   addressed to the booking's patient. Called in the transaction (or the one statement) that confirms, books or
--   moves the appointment, so the two commit together; cancel_booking and reschedule_booking cancel them.
-- Arguments: tenant, booking, the reminder text, the instants to send it.
-- Outcomes: one row per instant, deduped per booking and instant; nothing for a booking that is not confirmed.
-- Locks: none beyond the sms_outbox (tenant_id, dedupe_key) unique index.
-- Why PL/pgSQL: it keeps its statements' plans for the session; a LANGUAGE sql body is planned again on every call
--   (PostgreSQL 15), which cost more than the insert on every booking. The booking and its patient are read apart, each
--   by its key: planned while the tables looked empty, the join had read the patient through every booking of the
--   clinic.
create or replace function queue_reminders(p_tenant uuid, p_booking uuid, p_body text, p_times timestamptz[])
returns void language plpgsql as $$
declare
  v_patient uuid;
  v_phone   text;
begin
  select b.patient_id into v_patient from bookings b
   where b.id = p_booking and b.tenant_id = p_tenant and b.status = 'confirmed';
  if not found then
    return;
  end if;
  select p.phone_e164 into v_phone from patients p where p.tenant_id = p_tenant and p.id = v_patient;
  insert into sms_outbox (tenant_id, booking_id, kind, to_e164, body, dedupe_key, send_after)
  select p_tenant, p_booking, 'reminder', v_phone, p_body, 'reminder:' || p_booking || ':' || extract(epoch from t)::bigint, t
    from unnest(p_times) t
  on conflict (tenant_id, dedupe_key) do nothing;
end $$;
