-- fill-if-unchanged: puts a provider-day's bookings back into the availability cache, unless it changed meanwhile.
-- KEYS[1] the value key, KEYS[2] its version key (same hash tag, so one cluster slot).
-- ARGV[1] the version the reader saw, ARGV[2] the value, ARGV[3] its TTL in milliseconds.
-- Returns "OK" when stored, 0 when an invalidation bumped the version since the read: a read that raced a change
-- must not put the old bookings back.
if (redis.call('get', KEYS[2]) or '0') == ARGV[1] then
  return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 0
