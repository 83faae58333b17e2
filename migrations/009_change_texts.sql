-- A cancelled or moved appointment is texted to the patient. As with a confirmation, the text is queued in the
-- change's own transaction, so the change and its message commit together or not at all; a null body queues none.
-- p_sms_call is the calls row the change came from (null when staff made it), for the dashboard's call timeline.

drop function cancel_booking(uuid, uuid, text);
create function cancel_booking(p_tenant uuid, p_booking uuid, p_patient_phone text, p_sms_call uuid, p_sms_body text)
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
  if p_sms_body is not null then
    insert into sms_outbox (tenant_id, call_id, booking_id, kind, to_e164, body, dedupe_key)
    values (p_tenant, p_sms_call, b.id, 'cancellation', p_patient_phone, p_sms_body, 'cancellation:' || b.id)
    on conflict (tenant_id, dedupe_key) do nothing;
  end if;
  return row('cancelled', b.id, b.provider_id, b.starts_at, b.ends_at, b.status)::booking_change;
end $$;

drop function reschedule_booking(uuid, uuid, text, uuid, uuid, timestamptz, text);
-- Moves a patient's appointment: the new slot is claimed (confirmed) first, then the old one is cancelled and the
-- patient's text queued, in one transaction, so the patient never ends up with neither. A new time that overlaps the
-- old one's provider time is refused as a conflict by claim_slot, like any other taken time.
create function reschedule_booking(
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
    if p_sms_body is not null then
      insert into sms_outbox (tenant_id, call_id, booking_id, kind, to_e164, body, dedupe_key)
      values (p_tenant, p_sms_call, r.booking_id, 'reschedule', pat.phone_e164, p_sms_body, 'reschedule:' || r.booking_id)
      on conflict (tenant_id, dedupe_key) do nothing;
    end if;
  end if;
  return r;
end $$;
