--[[
  Records a job's question and answer in its session once: a second call for the same job
  replaces the answer in place.

  KEYS[1] the session list
  ARGV[1] the job id
  ARGV[2] the user message json
  ARGV[3] the assistant message json
  ARGV[4] the most messages kept
  ARGV[5] the session's time to live, seconds

  Returns 1 if appended, 0 if the job's exchange was there already.
]]
local found = false
for i, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local ok, m = pcall(cjson.decode, item)
  if ok and m.job_id == ARGV[1] then
    found = true
    if m.role == 'assistant' then redis.call('LSET', KEYS[1], i - 1, ARGV[3]) end
  end
end
if not found then
  redis.call('RPUSH', KEYS[1], ARGV[2], ARGV[3])
  redis.call('LTRIM', KEYS[1], -tonumber(ARGV[4]), -1)
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
if found then return 0 end
return 1
