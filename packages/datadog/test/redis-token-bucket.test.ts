import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { serviceScope, UpstreamError, type MetricQuery } from "@orch/core";
import { startFakeDatadog, startRedis, type FakeDatadog, type RedisServer } from "@orch/testkit";
import { DatadogSource, RedisTokenBucket } from "@orch/datadog";

const ANCHOR = Date.UTC(2025, 0, 15, 12, 0, 0);
const HOUR = { start: ANCHOR - 3_600_000, end: ANCHOR, label: "last hour" };
const scope = serviceScope("api-gateway");
const cpu: MetricQuery = { metric: "system.cpu.user", aggregator: "avg", by: [], as_count: false };
const KEY = "orch:dd:{rl}:test-org";
const live = () => new AbortController().signal;

describe("RedisTokenBucket", () => {
  let redisServer: RedisServer;
  let fake: FakeDatadog;
  let admin: Redis;
  let connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(redisServer.url);
    connections.push(redis);
    return redis;
  };

  beforeAll(async () => {
    redisServer = await startRedis();
    admin = new Redis(redisServer.url);
    fake = await startFakeDatadog({ anchor: () => ANCHOR });
  });
  afterAll(async () => {
    await admin.quit();
    await fake.close();
    await redisServer.stop();
  });
  beforeEach(async () => {
    await admin.flushall();
    fake.reset();
  });
  afterEach(async () => {
    await Promise.all(connections.map((c) => c.quit()));
    connections = [];
  });

  it("limits calls per second across two instances sharing one org's budget", async () => {
    const rate = 5;
    const sources = [0, 1].map(
      () =>
        new DatadogSource({
          apiKey: fake.apiKey,
          appKey: fake.appKey,
          apiUrl: fake.url,
          maxRetries: 0,
          // One query a request: this measures the budget, not the batching.
          maxQueriesPerRequest: 1,
          budget: new RedisTokenBucket(connect(), { key: KEY, ratePerSecond: rate }),
        }),
    );
    const started = Date.now();

    await Promise.all(
      sources.flatMap((s) => Array.from({ length: 10 }, () => s.queryMetrics(cpu, scope, HOUR, live()))),
    );

    // 20 calls with a burst of 5 and 5 more per second cannot take less than 3 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_700);
    const times = fake.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(times).toHaveLength(20);
    const busiestSecond = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1_000).length));
    expect(busiestSecond).toBeLessThanOrEqual(2 * rate + 2);
  });

  it("holds every instance back while a 429 reset is pending", async () => {
    const bucket = new RedisTokenBucket(connect(), { key: KEY, ratePerSecond: 100 });
    const other = new RedisTokenBucket(connect(), { key: KEY, ratePerSecond: 100 });
    await bucket.pause(800);
    const started = Date.now();

    await other.take(live());

    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });

  it("gives up with rate_limited when the wait would exceed its bound", async () => {
    const bucket = new RedisTokenBucket(connect(), { key: KEY, ratePerSecond: 1, maxWaitMs: 200 });
    await bucket.take(live());

    await expect(bucket.take(live())).rejects.toBeInstanceOf(UpstreamError);
    await expect(bucket.take(live())).rejects.toMatchObject({ code: "rate_limited" });
  });

  it("stops waiting when the caller's signal aborts", async () => {
    const bucket = new RedisTokenBucket(connect(), { key: KEY, ratePerSecond: 1, maxWaitMs: 60_000 });
    await bucket.take(live());
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("job cancelled")), 100);

    await expect(bucket.take(controller.signal)).rejects.toThrow("job cancelled");
  });
});
