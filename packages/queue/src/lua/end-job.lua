--[[
  Ends a job that has not ended: failed or cancelled, with its error, and its keys set to expire.

  KEYS[1] the record hash
  KEYS[2] the steps list
  KEYS[3] the events stream
  KEYS[4..6] the outputs of planning, execution, feedback
  KEYS[7..] the outputs of the drill-down rounds
  ARGV[1] the pub/sub channel
  ARGV[2] the final status (failed | cancelled)
  ARGV[3] the error json
  ARGV[4] now, ISO
  ARGV[5] the retention in seconds

  Returns {'ok', status, owner} | {'missing'} | {'terminal', status}.
]]
--- @include "includes/terminal"
--- @include "includes/emit"
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
if terminal(status) then return {'terminal', status} end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'error', ARGV[3], 'updated_at', ARGV[4], 'finished_at', ARGV[4])
for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[5])) end
emit('end', cjson.encode({status = ARGV[2], at = ARGV[4], error = cjson.decode(ARGV[3])}))
return {'ok', ARGV[2], redis.call('HGET', KEYS[1], 'owner')}
