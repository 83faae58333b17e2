-- queue_reminders: queues an appointment's reminders as outbox rows the dispatcher sends not before `send_after`,
--   addressed to the booking's patient. Called in the transaction (or the one statement) that confirms, books or
--   moves the appointment, so the two commit together; cancel_booking and reschedule_booking cancel them.
-- Arguments: tenant, booking, the reminder text, the instants to send it.
-- Outcomes: one row per instant, deduped per booking and instant; nothing for a booking that is not confirmed.
-- Locks: none beyond the sms_outbox (tenant_id, dedupe_key) unique index.
create or replace function queue_reminders(p_tenant uuid, p_booking uuid, p_body text, p_times timestamptz[])
returns void language sql as $$
  insert into sms_outbox (tenant_id, booking_id, kind, to_e164, body, dedupe_key, send_after)
  select b.tenant_id, b.id, 'reminder', p.phone_e164, p_body, 'reminder:' || b.id || ':' || extract(epoch from t)::bigint, t
    from bookings b join patients p on p.id = b.patient_id, unnest(p_times) t
   where b.id = p_booking and b.tenant_id = p_tenant and b.status = 'confirmed'
  on conflict (tenant_id, dedupe_key) do nothing
$$;
