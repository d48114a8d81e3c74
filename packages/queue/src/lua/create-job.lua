--[[
  Writes a new job record and its first event.

  KEYS[1] the record hash
  KEYS[2] the steps list (unused)
  KEYS[3] the events stream
  KEYS[4..6] the outputs (unused)
  ARGV[1] the retention in seconds
  ARGV[2] the "queued" status event json
  ARGV[3..] field, value pairs of the record

  Returns 1.
]]
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
redis.call('XADD', KEYS[3], 'MAXLEN', '~', 5000, '*', 'type', 'status', 'data', ARGV[2])
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[1]))
return 1
