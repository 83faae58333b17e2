-- reschedule_booking: moves a patient's appointment to a new start.
-- Arguments: tenant, old booking, the patient's phone, the new provider, service and start, the Vapi call id, the
--   calls row it came from (null for staff) and the patient's text (null queues none).
-- Outcomes (claim_result.outcome): claim_slot's outcomes for the new time, or not_found for the old booking.
-- Locks: claim_slot's provider-day advisory locks, then the old booking's row.
-- Why this order: the new slot is claimed (confirmed) first, then the old one cancelled and the text queued, in one
--   transaction, so the patient never ends up with neither. A new time overlapping the old one's own provider time
--   is refused as a conflict by claim_slot, like any other taken time. The old appointment's pending reminders are
--   cancelled here; the caller queues the new one's in the same transaction (src/booking/booking-service.ts).
-- History: first created in migrations/009_change_texts.sql; this file is its live definition.
create or replace function reschedule_booking(
  p_tenant uuid, p_old uuid, p_patient_phone text, p_provider uuid, p_service uuid, p_start timestamptz, p_call_id text,
  p_sms_call uuid, p_sms_body text
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
    update sms_outbox set status = 'cancelled'
     where booking_id = old_b.id and kind = 'reminder' and status = 'pending';
    if p_sms_body is not null then
      insert into sms_outbox (tenant_id, call_id, booking_id, kind, to_e164, body, dedupe_key)
      values (p_tenant, p_sms_call, r.booking_id, 'reschedule', pat.phone_e164, p_sms_body, 'reschedule:' || r.booking_id)
      on conflict (tenant_id, dedupe_key) do nothing;
    end if;
  end if;
  return r;
end $$;
