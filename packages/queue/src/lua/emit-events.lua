--[[
  Appends live events if the job has not ended, and publishes one notice for all of them (a
  reader drains the stream from its last id anyway).

  KEYS[1] the record hash
  KEYS[2] the steps list (unused)
  KEYS[3] the events stream
  KEYS[4..6] the outputs (unused)
  ARGV[1] the pub/sub channel
  ARGV[2..] pairs of event kind, payload json

  Returns 1 if appended, 0 if the job is missing or ended.
]]
--- @include "includes/terminal"
local status = redis.call('HGET', KEYS[1], 'status')
if not status or terminal(status) then return 0 end
local eid, kind
for i = 2, #ARGV, 2 do
  kind = ARGV[i]
  eid = redis.call('XADD', KEYS[3], 'MAXLEN', '~', 5000, '*', 'type', kind, 'data', ARGV[i + 1])
end
redis.call('PUBLISH', ARGV[1], cjson.encode({id = redis.call('HGET', KEYS[1], 'id'), type = kind, event_id = eid,
  status = status}))
return 1
