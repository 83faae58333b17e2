-- invalidate-days: forgets cached provider-days and tells the other instances, in one round trip: a booking change
-- used to cost a MULTI of three commands per day and a PUBLISH, two writes on the claim's path.
-- KEYS: per provider-day, its version key then its value key (the pair shares a hash tag).
-- ARGV[1] the version keys' TTL in seconds; ARGV[2] the channel to announce the change on, or '' for none;
-- ARGV[3] the announcement.
-- Returns the number of provider-days invalidated. Bumping the version makes a fill that read before this refuse to
-- store (fill-if-unchanged.lua); the announcement goes out after the keys have changed, so an instance that hears it
-- and reads the cache at once finds the entry gone.
for i = 1, #KEYS, 2 do
  redis.call('incr', KEYS[i])
  redis.call('expire', KEYS[i], ARGV[1])
  redis.call('del', KEYS[i + 1])
end
if ARGV[2] ~= '' then
  redis.call('publish', ARGV[2], ARGV[3])
end
return #KEYS / 2
