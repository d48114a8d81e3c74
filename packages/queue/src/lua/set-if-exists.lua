--[[
  Sets a field only on a record that exists.

  KEYS[1] a job record hash
  ARGV[1] the field
  ARGV[2] the value

  Returns 1 if set, 0 if the record is gone.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
