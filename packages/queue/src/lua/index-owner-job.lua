--[[
  Adds a new job to its owner's indexes and counts the owner's jobs in flight before it, in one
  command: both keys carry the owner's hash tag, so they share a Redis Cluster slot.

  KEYS[1] the owner's in-flight set (job ids scored by deadline, ms)
  KEYS[2] the owner's jobs index (job ids, all scored 0)
  ARGV[1] now, ms
  ARGV[2] the job id
  ARGV[3] its deadline, ms
  ARGV[4] the in-flight set's time to live, seconds
  ARGV[5] the id prefix below which index entries are past the retention
  ARGV[6] the index's time to live, seconds

  Returns the owner's unfinished jobs before this one (entries past their deadline do not count).
]]
local before = redis.call('ZCOUNT', KEYS[1], ARGV[1], '+inf')
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
redis.call('ZADD', KEYS[2], 0, ARGV[2])
redis.call('ZREMRANGEBYLEX', KEYS[2], '-', '(' .. ARGV[5])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[6]))
return before
