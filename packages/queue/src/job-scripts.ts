/**
 * Lua scripts of the job store. Each touches only one job's keys (one hash tag), checks the
 * record's state and writes atomically, so concurrent or repeated phase runs cannot both win.
 *
 * Common KEYS: 1 record hash, 2 steps list, 3 events stream, 4-6 the outputs of planning,
 * execution and feedback. ARGV[1] is the pub/sub channel. Outputs never pass through Lua: a phase
 * SETs its output on a staging key and COMPLETE_PHASE renames it into place, so the script's
 * cost does not grow with the evidence it saves.
 */

import { LuaScript } from "./lua-script.js";

const TERMINAL = `local function terminal(s) return s == 'completed' or s == 'failed' or s == 'cancelled' end`;

const EMIT = `
local function emit(kind, payload)
  local eid = redis.call('XADD', KEYS[3], 'MAXLEN', '~', 5000, '*', 'type', kind, 'data', payload)
  redis.call('PUBLISH', ARGV[1], cjson.encode({id = redis.call('HGET', KEYS[1], 'id'), type = kind, event_id = eid,
    status = redis.call('HGET', KEYS[1], 'status')}))
  return eid
end`;

/**
 * ARGV: channel, phase, running status, now iso, now ms, the phase before it ('' for the first).
 * Returns {state, runs?}; 'waiting' when the phase before has not saved its output yet (the next
 * phase is queued in the same round trip as that save, so it can arrive first if the save failed).
 */
export const BEGIN_PHASE = new LuaScript(`
${TERMINAL}
${EMIT}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
if terminal(status) then return {'terminal', status} end
if redis.call('HEXISTS', KEYS[1], 'saved:' .. ARGV[2]) == 1 then return {'done'} end
if ARGV[6] ~= '' and redis.call('HEXISTS', KEYS[1], 'saved:' .. ARGV[6]) == 0 then return {'waiting'} end
local deadline = tonumber(redis.call('HGET', KEYS[1], 'deadline_ms'))
if deadline and tonumber(ARGV[5]) > deadline then return {'expired'} end
redis.call('HSET', KEYS[1], 'status', ARGV[3], 'phase', ARGV[2], 'updated_at', ARGV[4])
if redis.call('HEXISTS', KEYS[1], 'started_at') == 0 then redis.call('HSET', KEYS[1], 'started_at', ARGV[4]) end
local runs = redis.call('HINCRBY', KEYS[1], 'runs:' .. ARGV[2], 1)
emit('status', cjson.encode({status = ARGV[3], phase = ARGV[2], at = ARGV[4], run = runs}))
return {'started', tostring(runs)}
`);

/**
 * KEYS 7: the staged output, 8: where it goes. ARGV: channel, phase, next status, now iso, ttl
 * seconds, usage json (flat numbers), extra fields json (flat strings), then one json object per
 * step (no index). Returns {state, owner?}; a refused save drops the staged output.
 */
export const COMPLETE_PHASE = new LuaScript(`
${TERMINAL}
${EMIT}
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
for i = 8, #ARGV do
  redis.call('RPUSH', KEYS[2], '{"index":' .. (base + i - 8) .. ',"phase":"' .. ARGV[2] .. '",' .. string.sub(ARGV[i], 2))
end
if terminal(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'finished_at', ARGV[4])
  for i = 1, 6 do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[5])) end
end
emit('phase', cjson.encode({phase = ARGV[2], status = ARGV[3], at = ARGV[4], steps = #ARGV - 7}))
if terminal(ARGV[3]) then emit('end', cjson.encode({status = ARGV[3], at = ARGV[4]})) end
return {'ok', redis.call('HGET', KEYS[1], 'owner')}
`);

/** ARGV: channel, final status (failed|cancelled), error json, now iso, ttl seconds. Returns {state, status}. */
export const END_JOB = new LuaScript(`
${TERMINAL}
${EMIT}
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'missing'} end
if terminal(status) then return {'terminal', status} end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'error', ARGV[3], 'updated_at', ARGV[4], 'finished_at', ARGV[4])
for i = 1, 6 do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[5])) end
emit('end', cjson.encode({status = ARGV[2], at = ARGV[4], error = cjson.decode(ARGV[3])}))
return {'ok', ARGV[2], redis.call('HGET', KEYS[1], 'owner')}
`);

/**
 * ARGV: channel, then kind, payload json pairs. Appends live events if the job is not over, and
 * publishes one notice for all of them (a reader drains the stream from its last id anyway).
 */
export const EMIT_EVENTS = new LuaScript(`
${TERMINAL}
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
`);

/** ARGV: ttl seconds, the "queued" event json, then field, value pairs of the new record. */
export const CREATE_JOB = new LuaScript(`
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
redis.call('XADD', KEYS[3], 'MAXLEN', '~', 5000, '*', 'type', 'status', 'data', ARGV[2])
redis.call('EXPIRE', KEYS[3], tonumber(ARGV[1]))
return 1
`);
