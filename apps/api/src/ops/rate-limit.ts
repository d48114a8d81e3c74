import type { RedisClient } from "@orch/queue";
import type { Middleware } from "koa";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "@orch/core";
import type { AppState } from "../app-state.js";

export interface RateLimitOptions {
  /** The API's fail-fast connection; the counters live in Redis so every API instance shares them. */
  readonly redis: RedisClient;
  readonly perMinute: number;
  readonly onLimited?: () => void;
}

/**
 * Per-token request budget (api.rate_limit_per_minute) over a fixed one-minute window, kept in
 * Redis so it holds across API instances: past it, 429 with Retry-After. It runs after
 * authentication, so health, metrics, docs and Bull Board are never limited. If Redis cannot be
 * asked, the request goes through: the route will meet the same Redis and answer 503 itself.
 */
export function rateLimit(options: RateLimitOptions): Middleware<AppState> {
  const limiter = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: "orch:ratelimit",
    points: options.perMinute,
    duration: 60,
    rejectIfRedisNotReady: true,
  });
  return async (ctx, next) => {
    const owner = ctx.state.principal?.owner;
    if (!owner) {
      await next();
      return;
    }
    let state: RateLimiterRes | undefined;
    try {
      state = await limiter.consume(owner);
    } catch (outcome) {
      if (!(outcome instanceof RateLimiterRes)) {
        ctx.state.log.warn({ err: outcome }, "rate limiter unavailable; request let through");
        await next();
        return;
      }
      const retryAfter = Math.max(1, Math.ceil(outcome.msBeforeNext / 1000));
      options.onLimited?.();
      ctx.set("RateLimit-Limit", String(options.perMinute));
      ctx.set("RateLimit-Remaining", "0");
      ctx.set("RateLimit-Reset", String(retryAfter));
      throw new AppError(
        "rate_limited",
        `This token made more than ${options.perMinute} requests in a minute; retry in ${retryAfter} s.`,
        { limit_per_minute: options.perMinute, retry_after_seconds: retryAfter },
      );
    }
    ctx.set("RateLimit-Limit", String(options.perMinute));
    ctx.set("RateLimit-Remaining", String(state.remainingPoints));
    ctx.set("RateLimit-Reset", String(Math.ceil(state.msBeforeNext / 1000)));
    await next();
  };
}
