--[[
  Saves a phase: renames its staged output into place and records its steps (indexed), usage and
  the next status in one step, or drops the staged output if the job ended or the phase already
  saved. Outputs never pass through Lua, so the script's cost does not grow with the evidence.
  Once saved, it may also claim the next phase (as begin-phase would), for a worker that runs it
  right away: one round trip instead of two, and the claim cannot come before the save.

  KEYS[1] the record hash
  KEYS[2] the steps list
  KEYS[3] the events stream
  KEYS[4..6] the outputs of planning, execution, feedback
  KEYS[7] the staged output
  KEYS[8] where the output goes (a drill-down plan to its round's key, an answer to the feedback
          output whichever round wrote it)
  KEYS[9..] the outputs of the drill-down rounds (they expire with the job)
  ARGV[1] the pub/sub channel
  ARGV[2] the phase's key ("execution-2" for a phase of a drill-down round)
  ARGV[3] the next status
  ARGV[4] now, ISO
  ARGV[5] the retention in seconds (applied when the job ends)
  ARGV[6] usage json (flat numbers, added to the record's u:* counters)
  ARGV[7] extra fields json (flat strings, set on the record)
  ARGV[8] the phase
  ARGV[9] the round
  ARGV[10] the key of the next phase to claim once saved ('' to claim none); its running status is ARGV[3]
  ARGV[11] the next phase
  ARGV[12] the next phase's round
  ARGV[13] now, ms (the claim's deadline check)
  ARGV[14..] one json object per step, without its index

  Returns {'ok', owner} | {'ok', owner, 'started', runs} | {'ok', owner, 'expired'} | {'missing'} |
  {'terminal'} | {'done'}.
]]
--- @include "includes/terminal"
--- @include "includes/emit"
--- @include "includes/claim"
local status = redis.call('HGET', KEYS[1], 'status')
local refused
if not status then refused = 'missing'
elseif terminal(status) then refused = 'terminal'
elseif redis.call('HEXISTS', KEYS[1], 'saved:' .. ARGV[2]) == 1 then refused = 'done' end
if refused then
  redis.call('DEL', KEYS[7])
  return {refused}
end
redis.call('RENAME', KEYS[7], KEYS[8])
redis.call('HSET', KEYS[1], 'saved:' .. ARGV[2], ARGV[4], 'status', ARGV[3], 'updated_at', ARGV[4])
for field, value in pairs(cjson.decode(ARGV[6])) do redis.call('HINCRBY', KEYS[1], 'u:' .. field, value) end
for field, value in pairs(cjson.decode(ARGV[7])) do redis.call('HSET', KEYS[1], field, value) end
local base = redis.call('LLEN', KEYS[2])
for i = 14, #ARGV do
  redis.call('RPUSH', KEYS[2], '{"index":' .. (base + i - 14) .. ',"phase":"' .. ARGV[8] .. '",' .. string.sub(ARGV[i], 2))
end
if terminal(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'finished_at', ARGV[4])
  for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[5])) end
end
emit('phase', cjson.encode({phase = ARGV[8], round = tonumber(ARGV[9]), status = ARGV[3], at = ARGV[4], steps = #ARGV - 13}))
if terminal(ARGV[3]) then emit('end', cjson.encode({status = ARGV[3], at = ARGV[4]})) end
local owner = redis.call('HGET', KEYS[1], 'owner')
if ARGV[10] == '' then return {'ok', owner} end
local claimed = claim(ARGV[10], ARGV[3], ARGV[4], ARGV[13], ARGV[11], ARGV[12])
return {'ok', owner, claimed[1], claimed[2]}
