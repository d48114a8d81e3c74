-- Whether a job status is final.
local function terminal(s) return s == 'completed' or s == 'failed' or s == 'cancelled' end
