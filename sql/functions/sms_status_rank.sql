-- sms_status_rank: Twilio reports statuses out of order (a late 'sent' after 'delivered'); a lower rank never overwrites a higher one.
-- History: first created in migrations/004_sms_otp.sql; this file is its live definition.
create or replace function sms_status_rank(s text) returns integer language sql immutable as $$
  select case s when 'accepted' then 1 when 'queued' then 2 when 'sending' then 3 when 'sent' then 4
                when 'delivered' then 5 when 'undelivered' then 5 when 'failed' then 5 when 'read' then 6 else 0 end
$$;
