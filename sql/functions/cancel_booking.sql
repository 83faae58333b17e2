-- cancel_booking: cancels a patient's future confirmed appointment and queues the patient's text.
-- Arguments: tenant, booking, the patient's phone (must match the booking's patient), the calls row it came from
--   (null when staff cancel) and the text's body (null queues none).
-- Outcomes (booking_change.outcome): cancelled | not_found (no such future confirmed booking for that phone).
-- Locks: the booking row (UPDATE). The text commits with the change or not at all (outbox deduped per booking), and
--   the appointment's reminders still waiting to go are cancelled with it: a cancelled appointment is never reminded.
-- History: first created in migrations/009_change_texts.sql; this file is its live definition.
create or replace function cancel_booking(p_tenant uuid, p_booking uuid, p_patient_phone text, p_sms_call uuid, p_sms_body text)
returns booking_change
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
  update sms_outbox set status = 'cancelled'
   where booking_id = b.id and kind = 'reminder' and status = 'pending';
  if p_sms_body is not null then
    insert into sms_outbox (tenant_id, call_id, booking_id, kind, to_e164, body, dedupe_key)
    values (p_tenant, p_sms_call, b.id, 'cancellation', p_patient_phone, p_sms_body, 'cancellation:' || b.id)
    on conflict (tenant_id, dedupe_key) do nothing;
  end if;
  return row('cancelled', b.id, b.provider_id, b.starts_at, b.ends_at, b.status)::booking_change;
end $$;
