-- Phone verification codes, the SMS outbox, and the clinic settings both need.

alter table tenants
  add column otp_length                integer not null default 6 check (otp_length between 4 and 8),
  add column otp_ttl_seconds           integer not null default 300 check (otp_ttl_seconds between 60 and 600),
  -- SMS-pumping defence: codes this clinic may send in any hour, whatever the numbers.
  add column otp_sends_per_hour        integer not null default 100 check (otp_sends_per_hour between 1 and 10000),
  -- Whether a code may go to a number the caller states instead of the one they call from.
  add column allow_other_phone         boolean not null default false,
  add column twilio_account_sid        text check (twilio_account_sid ~ '^AC[0-9a-fA-F]{32}$'),
  -- Sealed with SecretBox (AES-256-GCM, key from SECRETS_KEY); never stored in the clear.
  add column twilio_auth_token_sealed  text check (twilio_auth_token_sealed like 'v1.%'),
  add column twilio_from_number        text check (twilio_from_number ~ '^\+[1-9][0-9]{6,14}$'),
  -- Message texts; null means the built-in text (src/sms/texts.ts lists the placeholders).
  add column sms_code_text             text check (length(sms_code_text) between 10 and 480 and sms_code_text like '%{code}%'),
  add column sms_confirmation_text     text check (length(sms_confirmation_text) between 10 and 480),
  add column cancel_instructions       text check (length(cancel_instructions) between 1 and 160),
  add check ((twilio_account_sid is null) = (twilio_auth_token_sealed is null));

-- Every message leaves through here, written in the same transaction as the change that causes it.
create table sms_outbox (
  id                  uuid primary key default gen_random_uuid(),
  tenant_id           uuid not null references tenants(id) on delete cascade,
  call_id             uuid references calls(id) on delete set null,
  booking_id          uuid references bookings(id) on delete set null,
  kind                text not null check (kind in ('otp', 'confirmation', 'cancellation', 'reschedule', 'alert')),
  to_e164             text not null check (to_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  -- A code's message is sealed (SecretBox): the code exists in the clear only in the SMS itself.
  body                text not null,
  body_sealed         boolean not null default false,
  dedupe_key          text not null,
  -- pending → sending → sent; 'sending' is committed before the provider is called, so a crash there leaves the
  -- row 'sending' and it is never sent again (at most once). The status callback still settles it (see README).
  status              text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed', 'unknown')),
  attempts            integer not null default 0,
  next_attempt_at     timestamptz not null default now(),
  claimed_at          timestamptz,
  sent_at             timestamptz,
  provider_message_id text unique,
  last_error          text,
  delivery_status     text,
  delivery_error_code text,
  delivery_updated_at timestamptz,
  created_at          timestamptz not null default now(),
  unique (tenant_id, dedupe_key)
);
create index sms_outbox_due on sms_outbox (next_attempt_at) where status = 'pending';
create index sms_outbox_sending on sms_outbox (claimed_at) where status = 'sending';

-- One code sent for one hold. Only an HMAC of the code is kept (pepper + tenant + phone + hold + call).
create table otp_challenges (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null references tenants(id) on delete cascade,
  call_id     uuid not null references calls(id) on delete cascade,
  booking_id  uuid not null references bookings(id) on delete cascade,
  phone_e164  text not null check (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  code_hmac   bytea not null check (length(code_hmac) = 32),
  -- The request that asked for it: a rerun of the same request finds this row instead of texting again.
  request_key text not null,
  attempts    integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 3 check (max_attempts between 1 and 10),
  expires_at  timestamptz not null,
  consumed_at timestamptz,
  superseded_at timestamptz,
  created_at  timestamptz not null default now(),
  unique (call_id, request_key)
);
create index otp_challenges_phone on otp_challenges (tenant_id, phone_e164, created_at);
create index otp_challenges_tenant on otp_challenges (tenant_id, created_at);
create index otp_challenges_booking on otp_challenges (booking_id, created_at desc);

create type otp_issue_result as (outcome text, challenge_id uuid, expires_at timestamptz);

-- Issues a code for a live hold and queues its SMS, in one transaction, after checking the send limits.
-- Serialised per tenant+phone so two calls to one number cannot both slip under the hourly limit.
create function issue_otp(
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

-- Turns a hold into a confirmed appointment: compare-and-set on the hold token, and the confirmation SMS queued in
-- the same transaction. Confirming an already confirmed booking with its own token answers 'already' (idempotent).
create function confirm_hold(
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

-- Twilio reports statuses out of order (a late 'sent' after 'delivered'); a lower rank never overwrites a higher one.
create function sms_status_rank(s text) returns integer language sql immutable as $$
  select case s when 'accepted' then 1 when 'queued' then 2 when 'sending' then 3 when 'sent' then 4
                when 'delivered' then 5 when 'undelivered' then 5 when 'failed' then 5 when 'read' then 6 else 0 end
$$;
