-- issue_otp: issues a one-time code for a live hold and queues its SMS, in one transaction.
-- Arguments: tenant, calls row, held booking, phone, the code's HMAC (never the code), the tool call's request key
--   (idempotency), the sealed SMS body, and the per-hold and per-phone-hour send limits.
-- Outcomes (otp_issue_result.outcome): issued | existing (same request key: same challenge) | hold_gone |
--   limit_hold | limit_phone | limit_tenant. Only 'issued' writes (the challenge, and the outbox row).
-- Locks: an advisory lock per tenant+phone, so two calls to one number cannot both slip under the hourly limit.
-- History: first created in migrations/004_sms_otp.sql; this file is its live definition.
create or replace function issue_otp(
  p_tenant uuid, p_call uuid, p_booking uuid, p_phone text, p_code_hmac bytea, p_request_key text,
  p_sealed_body text, p_max_per_hold integer, p_max_per_phone_hour integer
) returns otp_issue_result
language plpgsql as $$
declare
  t  tenants;
  c  otp_challenges;
  r  otp_issue_result;
begin
  select * into c from otp_challenges where call_id = p_call and request_key = p_request_key;
  if found then
    return row('existing', c.id, c.expires_at)::otp_issue_result;
  end if;
  if not exists (select 1 from bookings where id = p_booking and tenant_id = p_tenant and status = 'held' and expires_at > now()) then
    r.outcome := 'hold_gone';
    return r;
  end if;
  select * into t from tenants where id = p_tenant;
  perform pg_advisory_xact_lock(hashtextextended('otp/' || p_tenant::text || '/' || p_phone, 0));
  if (select count(*) from otp_challenges where booking_id = p_booking) >= p_max_per_hold then
    r.outcome := 'limit_hold';
    return r;
  end if;
  if (select count(*) from otp_challenges where tenant_id = p_tenant and phone_e164 = p_phone
        and created_at > now() - interval '1 hour') >= p_max_per_phone_hour then
    r.outcome := 'limit_phone';
    return r;
  end if;
  if (select count(*) from otp_challenges where tenant_id = p_tenant and created_at > now() - interval '1 hour')
       >= t.otp_sends_per_hour then
    r.outcome := 'limit_tenant';
    return r;
  end if;
  -- A new code replaces the previous one for this hold: only the latest can be used.
  update otp_challenges set superseded_at = now()
   where booking_id = p_booking and consumed_at is null and superseded_at is null;
  insert into otp_challenges (tenant_id, call_id, booking_id, phone_e164, code_hmac, request_key, expires_at)
  values (p_tenant, p_call, p_booking, p_phone, p_code_hmac, p_request_key, now() + make_interval(secs => t.otp_ttl_seconds))
  returning * into c;
  insert into sms_outbox (tenant_id, call_id, booking_id, kind, to_e164, body, body_sealed, dedupe_key)
  values (p_tenant, p_call, p_booking, 'otp', p_phone, p_sealed_body, true, 'otp:' || c.id);
  return row('issued', c.id, c.expires_at)::otp_issue_result;
end $$;
