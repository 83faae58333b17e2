-- provider_open_hours: the wall-clock opening hours of one provider on one clinic-local day (tsmultirange of local
-- timestamps): the weekly hours, dropped by a 'closed' exception, plus 'open' exceptions.
-- Must agree with src/scheduling/hours.ts; tests/unit/scheduling/hours-sql-agreement.test.ts checks it on random data.
-- Why PL/pgSQL: claim_slot calls it on every claim, and a LANGUAGE sql body is planned again on every call
--   (PostgreSQL 15); PL/pgSQL keeps the plan for the session.
-- History: first created in migrations/002_claim_slot.sql; this file is its live definition.
create or replace function provider_open_hours(p_tenant uuid, p_provider uuid, p_day date) returns tsmultirange
language plpgsql stable as $$
begin
  return (select coalesce(range_agg(tsrange(p_day + h.starts, p_day + h.ends, '[)')), '{}'::tsmultirange)
  from (
    select wh.starts, wh.ends
      from weekly_hours wh
     where wh.tenant_id = p_tenant and wh.provider_id = p_provider
       and wh.weekday = extract(isodow from p_day)
       and not exists (select 1 from date_exceptions de
                        where de.tenant_id = p_tenant and de.on_date = p_day and de.kind = 'closed'
                          and (de.provider_id is null or de.provider_id = p_provider))
    union all
    select de.starts, de.ends
      from date_exceptions de
     where de.tenant_id = p_tenant and de.on_date = p_day and de.kind = 'open'
       and (de.provider_id is null or de.provider_id = p_provider)
  ) h);
end $$;
