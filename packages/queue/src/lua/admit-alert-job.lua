--[[
  Admits a queued alert-started job: its deadline now counts from here (once).

  KEYS[1] the record hash
  ARGV[1] the deadline, ms
  ARGV[2] now, ISO

  Returns 'admitted', 'running' (admitted before), 'ended' or 'missing'.
]]
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 'missing' end
if status == 'completed' or status == 'failed' or status == 'cancelled' then return 'ended' end
if status ~= 'queued' then return 'running' end
if redis.call('HEXISTS', KEYS[1], 'admitted_at') == 0 then
  redis.call('HSET', KEYS[1], 'deadline_ms', ARGV[1], 'admitted_at', ARGV[2])
end
return 'admitted'
