-- tenants_check_zone:
-- History: first created in migrations/001_foundation.sql; this file is its live definition.
create or replace function tenants_check_zone() returns trigger language plpgsql as $$
begin
  if not is_valid_time_zone(new.time_zone) then
    raise exception 'unknown time zone %', new.time_zone using errcode = '22023';
  end if;
  return new;
end $$;
