-- release_hold: gives a held slot back.
-- Arguments: tenant, booking, the hold's token (only its owner can release it).
-- Outcomes (booking_change.outcome): released | not_held (already released, expired or confirmed: changes nothing).
-- Locks: the booking row (UPDATE).
-- History: first created in migrations/003_calls.sql; this file is its live definition.
create or replace function release_hold(p_tenant uuid, p_booking uuid, p_hold_token uuid) returns booking_change
language plpgsql as $$
declare
  b bookings;
begin
  update bookings set status = 'cancelled', cancelled_at = now()
   where id = p_booking and tenant_id = p_tenant and hold_token = p_hold_token and status = 'held'
  returning * into b;
  if not found then
    return row('not_held', p_booking, null, null, null, null)::booking_change;
  end if;
  return row('released', b.id, b.provider_id, b.starts_at, b.ends_at, b.status)::booking_change;
end $$;
