-- Appends an event to the job's stream (KEYS[3]) and publishes a notice on the channel (ARGV[1]).
-- Needs KEYS[1] (the record) for the job's id and status.
local function emit(kind, payload)
  local eid = redis.call('XADD', KEYS[3], 'MAXLEN', '~', 5000, '*', 'type', kind, 'data', payload)
  redis.call('PUBLISH', ARGV[1], cjson.encode({id = redis.call('HGET', KEYS[1], 'id'), type = kind, event_id = eid,
    status = redis.call('HGET', KEYS[1], 'status')}))
  return eid
end
