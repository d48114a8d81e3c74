--[[
  Removes a job's messages from its session.

  KEYS[1] the session list
  ARGV[1] the job id

  Returns 1.
]]
for _, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local ok, m = pcall(cjson.decode, item)
  if ok and m.job_id == ARGV[1] then redis.call('LREM', KEYS[1], 1, item) end
end
return 1
