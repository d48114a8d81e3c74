--[[
  Claims a phase of a job: marks it running and counts the run, unless the job ended, the phase
  already saved its output, the phase before has not saved yet, or the deadline passed.

  KEYS[1] the record hash
  KEYS[2] the steps list
  KEYS[3] the events stream
  KEYS[4..6] the outputs of planning, execution, feedback
  ARGV[1] the pub/sub channel
  ARGV[2] the phase's key: the phase, or "execution-2" for a phase of a drill-down round (its
          saved flag and run counter are kept under it)
  ARGV[3] the running status
  ARGV[4] now, ISO
  ARGV[5] now, ms
  ARGV[6] the key of the phase before it ('' for the first; round r's execution follows the
          feedback of round r-1)
  ARGV[7] the phase
  ARGV[8] the round (1, or 2, 3… for drill-down rounds)
  ARGV[9] the newest record schema this process reads

  Returns {'started', runs} | {'missing'} | {'newer', schema} | {'terminal', status} | {'done'} |
  {'waiting'} | {'expired'}; 'newer' (nothing changed) for a record of a newer schema, left for a
  process that reads it; 'waiting' when the phase before has not saved its output yet (the next phase is
  queued in the same round trip as that save, so it can arrive first if the save failed).
]]
--- @include "includes/terminal"
--- @include "includes/emit"
--- @include "includes/claim"
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
local schema = tonumber(redis.call('HGET', KEYS[1], 'schema') or '1') or 1
if schema > tonumber(ARGV[9]) then return {'newer', tostring(schema)} end
if terminal(status) then return {'terminal', status} end
if redis.call('HEXISTS', KEYS[1], 'saved:' .. ARGV[2]) == 1 then return {'done'} end
if ARGV[6] ~= '' and redis.call('HEXISTS', KEYS[1], 'saved:' .. ARGV[6]) == 0 then return {'waiting'} end
return claim(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[7], ARGV[8])
