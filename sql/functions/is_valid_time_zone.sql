-- is_valid_time_zone: Validated here too, so a bad zone can never reach the claim function's AT TIME ZONE.
-- History: first created in migrations/001_foundation.sql; this file is its live definition.
create or replace function is_valid_time_zone(tz text) returns boolean language plpgsql stable as $$
begin
  perform now() at time zone tz;
  return true;
exception when others then
  return false;
end $$;
