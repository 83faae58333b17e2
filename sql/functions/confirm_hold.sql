-- confirm_hold: turns a hold into a confirmed appointment and queues the confirmation SMS in the same transaction.
-- Arguments: tenant, booking, the hold's token, the calls row, the text's recipient and body.
-- Outcomes (booking_change.outcome): confirmed | already (confirmed before with this token: idempotent) | not_held.
-- Locks: the booking row (compare-and-set on the hold token).
-- History: first created in migrations/004_sms_otp.sql; this file is its live definition.
create or replace function confirm_hold(
  p_tenant uuid, p_booking uuid, p_hold_token uuid, p_call uuid, p_sms_to text, p_sms_body text
) returns booking_change
language plpgsql as $$
declare
  b bookings;
begin
  update bookings set status = 'confirmed', confirmed_at = now(), expires_at = null
   where id = p_booking and tenant_id = p_tenant and hold_token = p_hold_token
     and status = 'held' and expires_at > now()
  returning * into b;
  if found then
    if p_sms_to is not null then
      insert into sms_outbox (tenant_id, call_id, booking_id, kind, to_e164, body, dedupe_key)
      values (p_tenant, p_call, b.id, 'confirmation', p_sms_to, p_sms_body, 'confirmation:' || b.id)
      on conflict (tenant_id, dedupe_key) do nothing;
    end if;
    return row('confirmed', b.id, b.provider_id, b.starts_at, b.ends_at, b.status)::booking_change;
  end if;
  select * into b from bookings where id = p_booking and tenant_id = p_tenant and hold_token = p_hold_token;
  if found and b.status = 'confirmed' then
    return row('already', b.id, b.provider_id, b.starts_at, b.ends_at, b.status)::booking_change;
  end if;
  return row('expired', p_booking, b.provider_id, b.starts_at, b.ends_at, b.status)::booking_change;
end $$;
