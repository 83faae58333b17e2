-- check_otp: checks a spoken code against the hold's latest challenge, under the challenge's row lock: a match consumes
--   it (single use), a miss counts an attempt.
-- Arguments: tenant, the held booking, the code's digest (an HMAC of the code under the deployment's secret pepper,
--   bound to tenant, phone, booking and call: src/otp/otp-code.ts).
-- Outcomes: 'verified' (consumed now; or a match against a challenge this hold already consumed, so a check rerun after
--   a restart is harmless — the confirmation itself is a compare-and-set on the hold token), 'wrong' (an attempt
--   counted), 'no_code' (none, expired, out of attempts, or a miss against a consumed one).
-- Locks: the challenge's row, until the caller's transaction ends (the step that confirms the booking with it).
-- Why the digests are compared with `=`, not in constant time: a caller chooses the code, never the digest, and
--   without the pepper cannot tell which codes' digests share a prefix with the stored one; what bounds guessing is
--   max_attempts.
create or replace function check_otp(p_tenant uuid, p_booking uuid, p_digest bytea)
returns text language plpgsql as $$
declare
  c otp_challenges%rowtype;
begin
  select * into c from otp_challenges
   where tenant_id = p_tenant and booking_id = p_booking and superseded_at is null
   order by created_at desc limit 1
     for update;
  if not found then
    return 'no_code';
  end if;
  if c.consumed_at is not null then
    return case when c.code_hmac = p_digest then 'verified' else 'no_code' end;
  end if;
  if c.expires_at <= now() or c.attempts >= c.max_attempts then
    return 'no_code';
  end if;
  if c.code_hmac = p_digest then
    update otp_challenges set consumed_at = now() where id = c.id;
    return 'verified';
  end if;
  update otp_challenges set attempts = attempts + 1 where id = c.id;
  return 'wrong';
end $$;
