import type { Redis } from "ioredis";
import { UpstreamError } from "@orch/core";
import { abortError } from "@orch/core";
import { delay } from "./abortable-delay.js";
import { LuaScript } from "@orch/queue";

/** A request budget consulted before every upstream call. */
export interface RequestBudget {
  /** Resolves when a request may be sent; bounded and abortable. */
  take(signal: AbortSignal): Promise<void>;
  /** Holds every taker back for `ms` (after a 429 that says when the limit resets). */
  pause(ms: number): Promise<void>;
}

// KEYS: bucket hash, pause key. ARGV: rate per second, capacity. Returns 0 when a token was
// taken, else the ms to wait. Redis' own clock keeps every worker on one time line.
const TAKE = new LuaScript(`
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or cap
local ts = tonumber(state[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap * 1000 / rate) + 1000)
return wait
`);

// Only ever lengthens a pause, so a short reset cannot cut a longer one.
const PAUSE = new LuaScript(`
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
`);

export interface RedisTokenBucketOptions {
  /** One key per Datadog org; keep the hash tag, e.g. "orch:dd:{rl}:datadoghq.eu:ab12cd34ef56". */
  readonly key: string;
  readonly ratePerSecond: number;
  /** Largest burst; default one second's worth. */
  readonly capacity?: number;
  /** Longest a caller waits for a token before giving up with rate_limited; default 30 s. */
  readonly maxWaitMs?: number;
}

/**
 * A token bucket in Redis shared by every worker and process that calls the same Datadog org:
 * a Lua script refills and takes atomically on Redis' clock.
 */
export class RedisTokenBucket implements RequestBudget {
  private readonly capacity: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisTokenBucketOptions,
  ) {
    this.capacity = options.capacity ?? Math.max(1, options.ratePerSecond);
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
  }

  async take(signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + this.maxWaitMs;
    for (;;) {
      if (signal.aborted) throw abortError(signal);
      const wait = Number(
        await TAKE.run(
          this.redis,
          [this.options.key, `${this.options.key}:pause`],
          [this.options.ratePerSecond, this.capacity],
        ),
      );
      if (!(wait > 0)) return;
      if (Date.now() + wait > deadline) {
        throw new UpstreamError(
          "rate_limited",
          `the shared Datadog request budget (${this.options.ratePerSecond}/s) stayed exhausted for ${this.maxWaitMs} ms`,
          true,
        );
      }
      // A little jitter spreads waiters that woke together.
      await delay(wait + Math.floor(Math.random() * 10), signal);
    }
  }

  async pause(ms: number): Promise<void> {
    await PAUSE.run(this.redis, [`${this.options.key}:pause`], [Math.max(1, Math.ceil(ms))]);
  }
}
