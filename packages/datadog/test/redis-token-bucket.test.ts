import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { executePlan, serviceScope, UpstreamError, type MetricQuery, type Plan } from "@orch/core";
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

  it("pauses only the endpoint a limit names; the others go on", async () => {
    const bucket = new RedisTokenBucket(connect(), { key: KEY, ratePerSecond: 100 });
    const other = new RedisTokenBucket(connect(), { key: KEY, ratePerSecond: 100 });
    await bucket.pause(60_000, "GET /api/v1/query");

    await other.take(live(), "GET /api/v1/events");
    const quick = new RedisTokenBucket(connect(), { key: KEY, ratePerSecond: 100, maxWaitMs: 1_000 });

    const refused = quick.take(live(), "GET /api/v1/query");
    await expect(refused).rejects.toMatchObject({ code: "rate_limited" });
    await expect(refused).rejects.toThrow("Datadog's rate limit on GET /api/v1/query resets in 60 s");
    await admin.del(`${KEY}:pause:GET_/api/v1/query`);
    await other.take(live(), "GET /api/v1/query");
  });

  it("after a 429 with an hour-long reset, no process sends to that endpoint again until it resets", async () => {
    fake.inject({ kind: "rate_limit", reset_s: 3600, limit: 1600, period_s: 3600, path: "/api/v1/query" });
    const source = () =>
      new DatadogSource({
        apiKey: fake.apiKey,
        appKey: fake.appKey,
        apiUrl: fake.url,
        maxRetries: 3,
        budget: new RedisTokenBucket(connect(), { key: KEY, ratePerSecond: 100 }),
      });

    await expect(source().queryMetrics(cpu, scope, HOUR, live())).rejects.toMatchObject({
      code: "rate_limited",
    });
    const again = source().queryMetrics(cpu, scope, HOUR, live());
    await expect(again).rejects.toMatchObject({ code: "rate_limited" });
    await expect(again).rejects.toThrow(/resets in 3\d{3} s/);
    expect(fake.count("/api/v1/query")).toBe(1);
    expect(await admin.pttl(`${KEY}:pause:GET_/api/v1/query`)).toBeGreaterThan(3_500_000);
    // Other endpoints still answer.
    await source().events(scope, HOUR, live());
  });

  it("pauses an endpoint whose answer says x-ratelimit-remaining: 0 until its reset", async () => {
    fake.inject({
      kind: "respond",
      path: "/api/v1/query",
      body: { status: "ok", series: [] },
      headers: {
        "x-ratelimit-limit": "1600",
        "x-ratelimit-period": "3600",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": "1200",
      },
    });
    const source = new DatadogSource({
      apiKey: fake.apiKey,
      appKey: fake.appKey,
      apiUrl: fake.url,
      maxRetries: 0,
      budget: new RedisTokenBucket(connect(), { key: KEY, ratePerSecond: 100 }),
    });

    await source.queryMetrics(cpu, scope, HOUR, live());
    await expect.poll(() => admin.pttl(`${KEY}:pause:GET_/api/v1/query`)).toBeGreaterThan(1_000_000);
    await expect(source.queryMetrics(cpu, scope, HOUR, live())).rejects.toMatchObject({
      code: "rate_limited",
    });
    expect(fake.count("/api/v1/query")).toBe(1);
  });

  it("defers a read until the endpoint's reset when it comes before the read-by time", async () => {
    const budget = new RedisTokenBucket(connect(), { key: KEY, ratePerSecond: 100 });
    await budget.pause(400, "GET /api/v1/query");
    const source = new DatadogSource({
      apiKey: fake.apiKey,
      appKey: fake.appKey,
      apiUrl: fake.url,
      maxRetries: 0,
      budget,
    });
    const plan: Plan = {
      intent: "health",
      window: HOUR,
      rationale: "test",
      source: "offline",
      steps: [{ id: "m1", tool: "metrics", query: cpu, reason: "" }],
    };

    const outcome = await executePlan(
      { source, now: Date.now, concurrency: 1, readBy: Date.now() + 20_000 },
      plan,
      scope,
      live(),
    );

    expect(outcome.evidence.results[0]).toMatchObject({ status: "ok" });
    expect(fake.count("/api/v1/query")).toBe(1);
  });

  it("defers a read while the deadline allows, then answers with what was read and says what was not", async () => {
    const budget = new RedisTokenBucket(connect(), { key: KEY, ratePerSecond: 100 });
    await budget.pause(30_000, "GET /api/v1/query");
    const source = new DatadogSource({
      apiKey: fake.apiKey,
      appKey: fake.appKey,
      apiUrl: fake.url,
      maxRetries: 0,
      budget,
    });
    const plan: Plan = {
      intent: "health",
      window: HOUR,
      rationale: "test",
      source: "offline",
      steps: [
        { id: "m1", tool: "metrics", query: cpu, reason: "" },
        { id: "e1", tool: "events", reason: "" },
      ],
    };

    const outcome = await executePlan(
      { source, now: Date.now, concurrency: 2, readBy: Date.now() + 500 },
      plan,
      scope,
      live(),
    );

    const [metrics, events] = outcome.evidence.results;
    expect(events).toMatchObject({ tool: "events", status: "ok" });
    expect(metrics).toMatchObject({ tool: "metrics", status: "error", error: { code: "upstream_timeout" } });
    expect(metrics?.status === "error" && metrics.error.message).toContain("not read");
    expect(fake.count("/api/v1/query")).toBe(0);
    expect(outcome.steps.find((s) => s.name === "metrics:system.cpu.user")?.summary).toContain(
      "could not read system.cpu.user",
    );
  });
});
