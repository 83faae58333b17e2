-- provider_day_lock_key: the advisory-lock key of one provider-day; the coordinator and Redlock name the same
-- "provider/day".
-- History: first created in migrations/002_claim_slot.sql; this file is its live definition.
create or replace function provider_day_lock_key(p_provider uuid, p_day date) returns bigint
language sql immutable as $$ select hashtextextended(p_provider::text || '/' || p_day::text, 0) $$;
