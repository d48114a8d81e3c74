--[[
  Deletes a key only while it holds the value its claimer set (releasing a claim it still owns).

  KEYS[1] the claimed key
  ARGV[1] the claimer's value

  Returns 1 if deleted, else 0.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
