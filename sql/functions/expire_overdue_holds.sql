-- expire_overdue_holds: the sweeper's step — turns at most p_limit overdue holds into 'expired' and returns them.
-- Outcomes: one booking_change ('expired') per hold turned.
-- Locks: the overdue rows, FOR UPDATE SKIP LOCKED, so several instances sweep at once without waiting on each other.
-- History: first created in migrations/003_calls.sql; this file is its live definition.
create or replace function expire_overdue_holds(p_limit integer) returns setof booking_change
language sql as $$
  with due as (
    select id from bookings where status = 'held' and expires_at <= now()
     order by expires_at limit p_limit for update skip locked
  )
  update bookings b set status = 'expired'
    from due where b.id = due.id
  returning 'expired', b.id, b.provider_id, b.starts_at, b.ends_at, b.status
$$;
