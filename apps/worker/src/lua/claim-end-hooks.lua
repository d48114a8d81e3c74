--[[
  Claims a job's pending end hooks with a compare-and-set on its score, so one sweeper runs them.

  KEYS[1] the pending set (orch:end-hooks)
  ARGV[1] the job id
  ARGV[2] the score it was read with
  ARGV[3] the new score (when others may run them again)

  Returns 1 if this caller moved it, else 0.
]]
if redis.call('ZSCORE', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
