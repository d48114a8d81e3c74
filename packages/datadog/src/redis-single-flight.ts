import { randomUUID } from "node:crypto";
import { AppError, UpstreamError, type CacheStatus, type ErrorCode } from "@orch/core";
import { abortError, untilAborted } from "@orch/core";
import { LuaScript, duplicateRedis, type RedisClient } from "@orch/queue";

export interface SingleFlightOptions {
  /** Key prefix with a hash tag, e.g. "orch:dd:{cache}". */
  readonly prefix: string;
  /** Lock lifetime; the holder renews it while it works, so it only lapses when the holder dies. */
  readonly lockTtlMs: number;
  /**
   * Longest a caller waits for another worker's read without a sign of life from it (a renewal
   * of its lock); a holder that keeps renewing is waited for as long as the caller's signal allows.
   */
  readonly waitTimeoutMs: number;
  /** How often a waiter re-checks without a notification; default 100 ms. */
  readonly pollMs?: number;
  /** How long a failure is shared with the waiters of the same read; default 2 s. */
  readonly errorTtlMs?: number;
}

export interface FlightResult<T> {
  readonly value: T;
  readonly cache: CacheStatus;
  readonly upstream_calls: number;
}

export type Produce<T> = (
  signal: AbortSignal,
) => Promise<{ readonly value: T; readonly upstream_calls: number }>;

/**
 * Work a caller does on a miss before it may take the lock: work that blocks the event loop
 * (loading an SDK) would keep the holder from renewing its lock, which would then lapse.
 */
export type Prepare = () => Promise<unknown>;

interface Stored {
  readonly v?: unknown;
  readonly e?: { readonly code: ErrorCode; readonly message: string; readonly retryable: boolean };
}

const RELEASE = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`,
);
const RENEW = new LuaScript(
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`,
);

const UPSTREAM_CODES = ["upstream_error", "upstream_auth", "upstream_timeout", "rate_limited"] as const;
type UpstreamCode = (typeof UPSTREAM_CODES)[number];
const isUpstreamCode = (code: string): code is UpstreamCode =>
  (UPSTREAM_CODES as readonly string[]).includes(code);

function revive(e: NonNullable<Stored["e"]>): AppError {
  return isUpstreamCode(e.code)
    ? new UpstreamError(e.code, e.message, e.retryable)
    : new AppError(e.code, e.message);
}

/**
 * One read per key at a time across every process sharing a Redis: callers in a process
 * share one promise; across processes the first takes a lock (SET NX PX, compare-and-delete
 * release) and stores the value, the others wait for it (pub/sub wake-up, polling as a
 * fallback) and take over if the holder dies. Every wait is bounded: by the caller's signal,
 * and by `waitTimeoutMs` once the holder stops renewing its lock.
 */
export class RedisSingleFlight {
  private readonly inflight = new Map<
    string,
    { promise: Promise<FlightResult<unknown>>; signal: AbortSignal }
  >();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly channel: string;
  private subscriber: RedisClient | undefined;
  private subscribed: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: SingleFlightOptions,
  ) {
    this.channel = `${options.prefix}:done`;
  }

  /** The cached value for `key`, else the value `produce` returns (stored for `ttlSeconds`). */
  async run<T>(
    key: string,
    ttlSeconds: number,
    produce: Produce<T>,
    signal: AbortSignal,
    prepare?: Prepare,
  ): Promise<FlightResult<T>> {
    for (;;) {
      if (signal.aborted) throw abortError(signal);
      const current = this.inflight.get(key);
      if (current) {
        try {
          const shared = await untilAborted(current.promise, signal);
          return { value: shared.value as T, cache: "hit", upstream_calls: 0 };
        } catch (error) {
          // The caller that led the read gave up; ours is still wanted, so try again.
          if (current.signal.aborted && !signal.aborted) {
            if (this.inflight.get(key) === current) this.inflight.delete(key);
            continue;
          }
          throw error;
        }
      }
      const entry = {
        promise: this.fly(key, ttlSeconds, produce, signal, prepare) as Promise<FlightResult<unknown>>,
        signal,
      };
      this.inflight.set(key, entry);
      try {
        return (await entry.promise) as FlightResult<T>;
      } finally {
        if (this.inflight.get(key) === entry) this.inflight.delete(key);
      }
    }
  }

  private async fly<T>(
    key: string,
    ttlSeconds: number,
    produce: Produce<T>,
    signal: AbortSignal,
    prepare?: Prepare,
  ): Promise<FlightResult<T>> {
    const valueKey = `${this.options.prefix}:v:${key}`;
    const lockKey = `${this.options.prefix}:l:${key}`;
    const waitMs = this.options.waitTimeoutMs;
    let deadline = Date.now() + waitMs;
    let lastTtl: number | undefined;
    let listening = false;
    for (;;) {
      if (signal.aborted) throw abortError(signal);
      const stored = await this.load<T>(valueKey);
      if (stored) return stored;
      if (prepare) {
        await untilAborted(prepare(), signal);
        prepare = undefined;
        continue;
      }
      const token = randomUUID();
      if ((await this.redis.set(lockKey, token, "PX", this.options.lockTtlMs, "NX")) === "OK") {
        return this.lead(key, valueKey, lockKey, token, ttlSeconds, produce, signal);
      }
      if (!listening) {
        // Subscribe, then look again: a value stored in between would otherwise be missed.
        await this.listen(signal);
        listening = true;
        continue;
      }
      // A holder renews its lock while it works (retries and 429 waits can take long): each renewal
      // is a sign of life that extends the wait, which the caller's signal still bounds. A dead
      // holder stops renewing; its lock lapses and the next round takes it over.
      const ttl = await this.redis.pttl(lockKey);
      if (ttl > 0 && (lastTtl === undefined || ttl > lastTtl)) deadline = Date.now() + waitMs;
      lastTtl = ttl;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new UpstreamError(
          "upstream_timeout",
          `waited ${waitMs} ms for another worker reading the same Datadog data, which stopped renewing its lock`,
          true,
        );
      }
      const poll = (this.options.pollMs ?? 100) * (0.75 + Math.random() / 2);
      await this.pause(key, Math.min(left, poll), signal);
    }
  }

  private async lead<T>(
    key: string,
    valueKey: string,
    lockKey: string,
    token: string,
    ttlSeconds: number,
    produce: Produce<T>,
    signal: AbortSignal,
  ): Promise<FlightResult<T>> {
    const renew = setInterval(
      () => {
        RENEW.run(this.redis, [lockKey], [token, this.options.lockTtlMs]).catch(() => undefined);
      },
      Math.max(50, Math.floor(this.options.lockTtlMs / 3)),
    );
    renew.unref();
    try {
      // The previous holder may have stored the value just before we took the lock.
      const stored = await this.load<T>(valueKey);
      if (stored) return stored;
      const produced = await produce(signal);
      await this.redis.set(valueKey, JSON.stringify({ v: produced.value }), "EX", ttlSeconds);
      return { value: produced.value, cache: "miss", upstream_calls: produced.upstream_calls };
    } catch (error) {
      if (signal.aborted) throw abortError(signal);
      // Share a real failure with the waiters briefly; a cancelled caller's is not theirs.
      if (error instanceof AppError) {
        const e = {
          code: error.code,
          message: error.message,
          retryable: error instanceof UpstreamError && error.retryable,
        };
        await this.redis
          .set(valueKey, JSON.stringify({ e }), "PX", this.options.errorTtlMs ?? 2000)
          .catch(() => undefined);
      }
      throw error;
    } finally {
      clearInterval(renew);
      await RELEASE.run(this.redis, [lockKey], [token]).catch(() => undefined);
      await this.redis.publish(this.channel, key).catch(() => undefined);
    }
  }

  private async load<T>(valueKey: string): Promise<FlightResult<T> | undefined> {
    const raw = await this.redis.get(valueKey);
    if (raw === null) return undefined;
    const stored = JSON.parse(raw) as Stored;
    if (stored.e) throw revive(stored.e);
    return { value: stored.v as T, cache: "hit", upstream_calls: 0 };
  }

  /** Subscribes to announcements; waits at most a moment for it, polling covers the rest. */
  private async listen(signal: AbortSignal): Promise<void> {
    if (!this.subscribed) {
      const subscriber = duplicateRedis(this.redis, { enableOfflineQueue: true });
      // Polling covers a subscriber that cannot connect; its errors are not ours to raise.
      subscriber.on("error", () => undefined);
      subscriber.on("message", (_channel: string, key: string) => this.wake(key));
      this.subscriber = subscriber;
      this.subscribed = subscriber.subscribe(this.channel).then(
        () => undefined,
        () => undefined,
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const moment = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 500);
    });
    try {
      await untilAborted(Promise.race([this.subscribed, moment]), signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private wake(key: string): void {
    for (const resolve of this.waiters.get(key) ?? []) resolve();
  }

  /** Waits until `key` is announced, `ms` pass, or the signal aborts. */
  private pause(key: string, ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const set = this.waiters.get(key) ?? new Set<() => void>();
      this.waiters.set(key, set);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(key);
        if (error) reject(error);
        else resolve();
      };
      const done = () => finish();
      const onAbort = () => finish(abortError(signal));
      const timer = setTimeout(done, ms);
      set.add(done);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Stops listening for announcements; reads already waiting fall back to polling. */
  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.subscribed = undefined;
    for (const key of [...this.waiters.keys()]) this.wake(key);
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }
}
