import type { RedisClient } from "@orch/queue";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { ApiToken } from "@orch/config";
import { AppError } from "@orch/core";

/** Failed authentications allowed per client address and minute (`api.auth_failures_per_minute`). */
export const AUTH_FAILURES_PER_MINUTE = 60;

/** How long a token that worked from an address keeps working there while the address is blocked. */
const TRUSTED_MS = 10 * 60_000;
const MAX_TRUSTED = 10_000;
const RENEW_MS = 1000;

export interface AuthFailureLimitOptions {
  /** The API's fail-fast connection; counters live in Redis, so every API instance shares them. */
  readonly redis: RedisClient;
  /** 0 turns the limit off. */
  readonly perMinute?: number;
  readonly onLimited?: () => void;
  readonly now?: () => number;
}

/**
 * Limits token guessing: each presented token that matches none counts against the client's
 * address (a fixed one-minute window in Redis), and past the limit the address gets 429 with
 * Retry-After instead of having its tokens checked, so guesses stop telling anything. A token
 * that already worked from the address in the last ten minutes still works while it is blocked,
 * so a client with a valid token is not shut out by someone else's bad one behind the same address.
 * If Redis cannot be asked, requests are let through (401 or on to the route, as without the limit).
 */
export class AuthFailureLimit {
  readonly perMinute: number;
  private readonly limiter: RateLimiterRedis;
  private readonly trusted = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: AuthFailureLimitOptions) {
    this.perMinute = options.perMinute ?? AUTH_FAILURES_PER_MINUTE;
    this.now = options.now ?? Date.now;
    this.limiter = new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: "orch:authfail",
      points: Math.max(1, this.perMinute),
      duration: 60,
      rejectIfRedisNotReady: true,
    });
  }

  /**
   * Call with the token entry a request's credentials matched (undefined when they matched none);
   * throws 429 when the address is blocked. A failure is counted here; the caller then answers 401.
   */
  async check(address: string, entry: ApiToken | undefined): Promise<void> {
    if (this.perMinute === 0) return;
    if (entry) {
      const key = `${address} ${entry.name}`;
      const until = this.trusted.get(key);
      const now = this.now();
      if (until !== undefined && until > now) {
        // Renewed at most once a second: every request of a busy client need not reorder the map.
        if (until - now < TRUSTED_MS - RENEW_MS) this.trust(key);
        return;
      }
      const state = await this.limiter.get(address).catch(() => null);
      if (state && state.consumedPoints > this.perMinute) this.refuse(state);
      this.trust(key);
      return;
    }
    try {
      await this.limiter.consume(address);
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) this.refuse(outcome);
      // Redis is unreachable: the failure goes uncounted and the caller answers 401.
    }
  }

  private trust(key: string): void {
    this.trusted.delete(key);
    this.trusted.set(key, this.now() + TRUSTED_MS);
    // Oldest first (insertion order): drop the oldest past the cap.
    if (this.trusted.size > MAX_TRUSTED) {
      const oldest = this.trusted.keys().next();
      if (!oldest.done) this.trusted.delete(oldest.value);
    }
  }

  private refuse(state: RateLimiterRes): never {
    const retryAfter = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    this.options.onLimited?.();
    throw new AppError(
      "rate_limited",
      `Too many failed authentications from this address (more than ${this.perMinute} in a minute); retry in ${retryAfter} s with a valid token.`,
      { retry_after_seconds: retryAfter },
    );
  }
}
