-- Claims a phase whose checks passed (see begin-phase): marks the job running in it and counts the
-- run, unless the deadline (KEYS[1]'s deadline_ms) passed. Returns {'started', runs} | {'expired'}.
local function claim(phaseKey, runningStatus, atIso, atMs, phase, round)
  local deadline = tonumber(redis.call('HGET', KEYS[1], 'deadline_ms'))
  if deadline and tonumber(atMs) > deadline then return {'expired'} end
  redis.call('HSET', KEYS[1], 'status', runningStatus, 'phase', phase, 'round', round, 'updated_at', atIso)
  if redis.call('HEXISTS', KEYS[1], 'started_at') == 0 then redis.call('HSET', KEYS[1], 'started_at', atIso) end
  local runs = redis.call('HINCRBY', KEYS[1], 'runs:' .. phaseKey, 1)
  emit('status', cjson.encode({status = runningStatus, phase = phase, round = tonumber(round), at = atIso, run = runs}))
  return {'started', tostring(runs)}
end
