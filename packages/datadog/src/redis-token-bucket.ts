import { UpstreamError } from "@orch/core";
import { abortError } from "@orch/core";
import { delay } from "./abortable-delay.js";
import { LuaScript, type RedisClient } from "@orch/queue";

/** A request budget consulted before every upstream call. */
export interface RequestBudget {
  /**
   * Resolves when a request to `endpoint` ("GET /api/v1/query") may be sent; bounded and
   * abortable. Rejects at once with rate_limited when the endpoint is paused for longer than the
   * budget waits: the read is then reported as not read rather than held.
   */
  take(signal: AbortSignal, endpoint?: string): Promise<void>;
  /** Holds every taker of `endpoint` (of every endpoint when absent) back for `ms`. */
  pause(ms: number, endpoint?: string): Promise<void>;
  /**
   * Reads Datadog's `x-ratelimit-*` headers of an answer: an endpoint whose remaining count
   * reached zero is paused until its reset, for every process.
   */
  observe?(endpoint: string, headers: Readonly<Record<string, string>>): Promise<void>;
}

/** The endpoint's pause key: one per method and path, as Datadog limits each endpoint on its own. */
const endpointKey = (key: string, endpoint: string): string =>
  `${key}:pause:${endpoint.replace(/[^A-Za-z0-9/_{}.-]+/g, "_")}`;

/**
 * The wait Datadog's rate-limit headers ask for, in ms, when the endpoint's remaining count is
 * spent (`x-ratelimit-remaining: 0`); undefined otherwise. `x-ratelimit-reset` is in seconds,
 * and may be an hour.
 */
export function exhaustedFor(headers: Readonly<Record<string, string>>): number | undefined {
  const remaining = Number(headers["x-ratelimit-remaining"]);
  const reset = Number(headers["x-ratelimit-reset"]);
  if (headers["x-ratelimit-remaining"] === undefined || !Number.isFinite(remaining) || remaining > 0) {
    return undefined;
  }
  if (Number.isFinite(reset) && reset > 0) return reset * 1000;
  // No reset given: wait one period, as the limit counts over it.
  const period = Number(headers["x-ratelimit-period"]);
  return Number.isFinite(period) && period > 0 ? period * 1000 : undefined;
}

// KEYS: bucket hash, organisation pause key, endpoint pause key. ARGV: rate per second, capacity.
// Returns 0 when a token was taken, else the ms to wait (negative: a pause, to be told apart).
// Redis' own clock keeps every worker on one time line.
const TAKE = new LuaScript(`
local paused = math.max(redis.call('PTTL', KEYS[2]), redis.call('PTTL', KEYS[3]))
if paused > 0 then return -paused end
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
  /**
   * Longest a caller waits for a token or a pause before giving up with rate_limited; default
   * 5 min (the job's own read-by time usually ends the wait first, see executePlan's readBy).
   */
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
    private readonly redis: RedisClient,
    private readonly options: RedisTokenBucketOptions,
  ) {
    this.capacity = options.capacity ?? Math.max(1, options.ratePerSecond);
    this.maxWaitMs = options.maxWaitMs ?? 300_000;
  }

  async take(signal: AbortSignal, endpoint = "any"): Promise<void> {
    const deadline = Date.now() + this.maxWaitMs;
    for (;;) {
      if (signal.aborted) throw abortError(signal);
      const answer = Number(
        await TAKE.run(
          this.redis,
          [this.options.key, `${this.options.key}:pause`, endpointKey(this.options.key, endpoint)],
          [this.options.ratePerSecond, this.capacity],
        ),
      );
      if (answer === 0 || !Number.isFinite(answer)) return;
      const wait = Math.abs(answer);
      if (Date.now() + wait > deadline) {
        throw new UpstreamError(
          "rate_limited",
          answer < 0
            ? `Datadog's rate limit on ${endpoint} resets in ${Math.ceil(wait / 1000)} s, later than this read can wait (${Math.round(this.maxWaitMs / 1000)} s): not read`
            : `the shared Datadog request budget (${this.options.ratePerSecond}/s) stayed exhausted for ${this.maxWaitMs} ms`,
          // A pause outlasting the wait is not worth a retry of the phase; a busy budget may be.
          answer > 0,
          { endpoint },
        );
      }
      // A little jitter spreads waiters that woke together.
      await delay(wait + Math.floor(Math.random() * 10), signal);
    }
  }

  async pause(ms: number, endpoint?: string): Promise<void> {
    const key = endpoint ? endpointKey(this.options.key, endpoint) : `${this.options.key}:pause`;
    await PAUSE.run(this.redis, [key], [Math.max(1, Math.ceil(ms))]);
  }

  async observe(endpoint: string, headers: Readonly<Record<string, string>>): Promise<void> {
    const wait = exhaustedFor(headers);
    if (wait !== undefined) await this.pause(wait, endpoint);
  }
}
