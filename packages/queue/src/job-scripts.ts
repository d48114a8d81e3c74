/**
 * Lua scripts of the job store. Each touches only one job's keys (one hash tag), checks the
 * record's state and writes atomically, so concurrent or repeated phase runs cannot both win.
 *
 * Common KEYS: 1 record hash, 2 steps list, 3 events stream. ARGV[1] is the pub/sub channel.
 */

const TERMINAL = `local function terminal(s) return s == 'completed' or s == 'failed' or s == 'cancelled' end`;

const EMIT = `
local function emit(kind, payload)
  local eid = redis.call('XADD', KEYS[3], 'MAXLEN', '~', 5000, '*', 'type', kind, 'data', payload)
  redis.call('PUBLISH', ARGV[1], cjson.encode({id = redis.call('HGET', KEYS[1], 'id'), type = kind, event_id = eid,
    status = redis.call('HGET', KEYS[1], 'status')}))
  return eid
end`;

/** ARGV: channel, phase, running status, now iso, now ms. Returns {state, runs?}. */
export const BEGIN_PHASE = `
${TERMINAL}
${EMIT}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
if terminal(status) then return {'terminal', status} end
if redis.call('HEXISTS', KEYS[1], 'out:' .. ARGV[2]) == 1 then return {'done'} end
local deadline = tonumber(redis.call('HGET', KEYS[1], 'deadline_ms'))
if deadline and tonumber(ARGV[5]) > deadline then return {'expired'} end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'phase', ARGV[2], 'updated_at', ARGV[4])
if redis.call('HEXISTS', KEYS[1], 'started_at') == 0 then redis.call('HSET', KEYS[1], 'started_at', ARGV[4]) end
local runs = redis.call('HINCRBY', KEYS[1], 'runs:' .. ARGV[2], 1)
emit('status', cjson.encode({status = ARGV[3], phase = ARGV[2], at = ARGV[4], run = runs}))
return {'started', tostring(runs)}
`;

/**
 * ARGV: channel, phase, output json, next status, now iso, ttl seconds, usage json
 * (flat numbers), extra fields json (flat strings), then one json object per step (no index).
 * Returns {state}.
 */
export const COMPLETE_PHASE = `
${TERMINAL}
${EMIT}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
if terminal(status) then return {'terminal', status} end
if redis.call('HEXISTS', KEYS[1], 'out:' .. ARGV[2]) == 1 then return {'done'} end
redis.call('HSET', KEYS[1], 'out:' .. ARGV[2], ARGV[3], 'status', ARGV[4], 'updated_at', ARGV[5])
for field, value in pairs(cjson.decode(ARGV[7])) do redis.call('HINCRBY', KEYS[1], 'u:' .. field, value) end
for field, value in pairs(cjson.decode(ARGV[8])) do redis.call('HSET', KEYS[1], field, value) end
local base = redis.call('LLEN', KEYS[2])
for i = 9, #ARGV do
  redis.call('RPUSH', KEYS[2], '{"index":' .. (base + i - 9) .. ',"phase":"' .. ARGV[2] .. '",' .. string.sub(ARGV[i], 2))
end
if terminal(ARGV[4]) then
  redis.call('HSET', KEYS[1], 'finished_at', ARGV[5])
  for _, key in ipairs(KEYS) do redis.call('EXPIRE', key, tonumber(ARGV[6])) end
end
emit('phase', cjson.encode({phase = ARGV[2], status = ARGV[4], at = ARGV[5], steps = #ARGV - 8}))
if terminal(ARGV[4]) then emit('end', cjson.encode({status = ARGV[4], at = ARGV[5]})) end
return {'ok', redis.call('HGET', KEYS[1], 'owner')}
`;

/** ARGV: channel, final status (failed|cancelled), error json, now iso, ttl seconds. Returns {state, status}. */
export const END_JOB = `
${TERMINAL}
${EMIT}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
if terminal(status) then return {'terminal', status} end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'error', ARGV[3], 'updated_at', ARGV[4], 'finished_at', ARGV[4])
for _, key in ipairs(KEYS) do redis.call('EXPIRE', key, tonumber(ARGV[5])) end
emit('end', cjson.encode({status = ARGV[2], at = ARGV[4], error = cjson.decode(ARGV[3])}))
return {'ok', ARGV[2], redis.call('HGET', KEYS[1], 'owner')}
`;

/** ARGV: channel, kind, payload json. Appends a live event if the job is not over. */
export const EMIT_EVENT = `
${TERMINAL}
${EMIT}
local status = redis.call('HGET', KEYS[1], 'status')
if not status or terminal(status) then return 0 end
emit(ARGV[2], ARGV[3])
return 1
`;
