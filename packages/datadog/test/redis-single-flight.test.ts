import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { UpstreamError } from "@orch/core";
import { startRedis, type RedisServer } from "@orch/testkit";
import { RedisSingleFlight, type SingleFlightOptions } from "@orch/datadog";

const OPTIONS: SingleFlightOptions = {
  prefix: "test:{sf}",
  lockTtlMs: 600,
  waitTimeoutMs: 10_000,
  pollMs: 50,
};
const live = () => new AbortController().signal;

describe("RedisSingleFlight", () => {
  let redisServer: RedisServer;
  let admin: Redis;
  let opened: Array<() => Promise<unknown>> = [];

  const flight = (options: Partial<SingleFlightOptions> = {}) => {
    const redis = new Redis(redisServer.url);
    const f = new RedisSingleFlight(redis, { ...OPTIONS, ...options });
    opened.push(async () => {
      await f.close();
      redis.disconnect();
    });
    return { flight: f, redis };
  };

  /** A read that counts its calls and answers after `ms`. */
  const counted = (ms = 50) => {
    const produce = async (signal: AbortSignal) => {
      produce.calls += 1;
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(new Error("aborted"));
        });
      });
      return { value: { answer: 42 }, upstream_calls: 1 };
    };
    produce.calls = 0;
    return produce;
  };

  beforeAll(async () => {
    redisServer = await startRedis();
    admin = new Redis(redisServer.url);
  });
  afterAll(async () => {
    await admin.quit();
    await redisServer.stop();
  });
  beforeEach(() => admin.flushall());
  afterEach(async () => {
    await Promise.all(opened.map((close) => close()));
    opened = [];
  });

  it("lets a waiter take over once a lock held by a dead owner expires", async () => {
    await admin.set("test:{sf}:l:k1", "owner-that-died", "PX", 500);
    const produce = counted();

    const results = await Promise.all(
      Array.from({ length: 5 }, () => flight().flight.run("k1", 60, produce, live())),
    );

    expect(produce.calls).toBe(1);
    expect(results.every((r) => r.value.answer === 42)).toBe(true);
    expect(results.filter((r) => r.cache === "miss")).toHaveLength(1);
  });

  it("recovers when the holder's connection is lost mid-read and its lock lapses", async () => {
    const holder = flight();
    const holderSignal = new AbortController();
    const stuck = holder.flight.run("k2", 60, counted(60_000), holderSignal.signal).catch(() => "abandoned");
    while ((await admin.exists("test:{sf}:l:k2")) === 0) await new Promise((r) => setTimeout(r, 10));
    // From Redis' point of view the holder is now dead: it can no longer renew its lock.
    holder.redis.disconnect();
    const produce = counted();

    const result = await flight().flight.run("k2", 60, produce, live());

    expect(result.cache).toBe("miss");
    expect(produce.calls).toBe(1);
    holderSignal.abort();
    await stuck;
  });

  it("keeps the lock of a live holder past its TTL, so nobody reads twice", async () => {
    const slow = counted(1_500);
    const other = counted();

    const holding = flight().flight.run("k3", 60, slow, live());
    while ((await admin.exists("test:{sf}:l:k3")) === 0) await new Promise((r) => setTimeout(r, 10));
    const [a, b] = await Promise.all([holding, flight().flight.run("k3", 60, other, live())]);

    expect([a.cache, b.cache]).toEqual(["miss", "hit"]);
    expect(slow.calls + other.calls).toBe(1);
  });

  it("keeps waiting past wait_timeout_ms while the holder is alive and renewing its lock", async () => {
    const slow = counted(1_500);
    const holding = flight().flight.run("k4", 60, slow, live());
    while ((await admin.exists("test:{sf}:l:k4")) === 0) await new Promise((r) => setTimeout(r, 10));
    const other = counted();

    const waited = await flight({ waitTimeoutMs: 400 }).flight.run("k4", 60, other, live());

    expect(waited).toMatchObject({ cache: "hit", value: { answer: 42 } });
    expect(slow.calls + other.calls).toBe(1);
    await expect(holding).resolves.toMatchObject({ cache: "miss" });
  });

  it("gives up after wait_timeout_ms when the lock is held but never renewed", async () => {
    // A lock nobody renews (a holder stuck without its renewal timer) and that will not lapse soon.
    await admin.set("test:{sf}:l:k4b", "stuck-owner", "PX", 60_000);
    const started = Date.now();

    const waiting = flight({ waitTimeoutMs: 400 }).flight.run("k4b", 60, counted(), live());

    await expect(waiting).rejects.toBeInstanceOf(UpstreamError);
    await expect(waiting).rejects.toMatchObject({ code: "upstream_timeout" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("waiting on a renewing holder still ends as soon as the caller's signal aborts", async () => {
    const holderSignal = new AbortController();
    const holding = flight()
      .flight.run("k4c", 60, counted(60_000), holderSignal.signal)
      .catch(() => "abandoned");
    while ((await admin.exists("test:{sf}:l:k4c")) === 0) await new Promise((r) => setTimeout(r, 10));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("job deadline")), 800);

    const waiting = flight({ waitTimeoutMs: 200 }).flight.run("k4c", 60, counted(), controller.signal);

    await expect(waiting).rejects.toThrow("job deadline");
    holderSignal.abort();
    await holding;
  });

  it("prepares on a miss before taking the lock, and not at all on a hit", async () => {
    const { flight: f } = flight();
    const seen: string[] = [];
    const prepare = async () => {
      seen.push((await admin.exists("test:{sf}:l:k7")) === 1 ? "locked" : "unlocked");
    };

    await f.run("k7", 60, counted(), live(), prepare);
    await f.run("k7", 60, counted(), live(), prepare);

    expect(seen).toEqual(["unlocked"]);
  });

  it("does not fail callers coalesced onto a read whose own caller cancelled", async () => {
    const { flight: shared } = flight();
    const produce = counted(300);
    const leader = new AbortController();

    const first = shared.run("k5", 60, produce, leader.signal);
    const second = shared.run("k5", 60, produce, live());
    setTimeout(() => leader.abort(new Error("leader cancelled")), 50);

    await expect(first).rejects.toThrow("leader cancelled");
    await expect(second).resolves.toMatchObject({ value: { answer: 42 } });
    expect(produce.calls).toBe(2);
  });

  it("stops waiting as soon as the caller's signal aborts", async () => {
    await admin.set("test:{sf}:l:k6", "someone", "PX", 60_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("deadline")), 100);

    await expect(flight().flight.run("k6", 60, counted(), controller.signal)).rejects.toThrow("deadline");
  });
});
