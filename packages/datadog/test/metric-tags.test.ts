import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { parseScenario, serviceScope, type Scenario, type TimeWindow } from "@orch/core";
import { startFakeDatadog, startRedis, type FakeDatadog, type RedisServer } from "@orch/testkit";
import { CachedSource, DatadogSource, DemoSource } from "@orch/datadog";

const ANCHOR = Date.UTC(2025, 0, 15, 12, 0, 0);
const HOUR: TimeWindow = { start: ANCHOR - 3_600_000, end: ANCHOR, label: "last hour" };
const live = () => new AbortController().signal;
const scope = serviceScope("checkout", ["service:checkout", "env:prod"], "prod");
const ERRORS = "trace.http.request.errors";

const scenario: Scenario = parseScenario({
  id: "tags",
  service: "checkout",
  env: "prod",
  question: "which endpoint is failing?",
  window: "1h",
  series: ["GET /cart", "POST /charge", "GET /search"].map((endpoint, i) => ({
    metric: ERRORS,
    baseline: 2 + i,
    noise: 0,
    group: [`resource_name:${endpoint}`, `host:web-${i + 1}`],
    incidents: endpoint === "POST /charge" ? [{ type: "step", start: "-20m", to: 50 }] : [],
  })),
});

describe("a metric's tags through the official Datadog client", () => {
  let fake: FakeDatadog;
  let redisServer: RedisServer;
  const source = () =>
    new DatadogSource({ apiKey: fake.apiKey, appKey: fake.appKey, apiUrl: fake.url, maxRetries: 0 });

  beforeAll(async () => {
    fake = await startFakeDatadog({ scenarios: () => scenario, anchor: () => ANCHOR });
    redisServer = await startRedis();
  });
  afterAll(async () => {
    await fake.close();
    await redisServer.stop();
  });

  it("reads GET /api/v2/metrics/{metric_name}/all-tags filtered by the service's scope", async () => {
    fake.reset();
    const read = await source().metricTags(ERRORS, scope, HOUR, live());
    expect(read.value).toEqual([
      "env:prod",
      "host:web-1",
      "host:web-2",
      "host:web-3",
      "resource_name:GET /cart",
      "resource_name:GET /search",
      "resource_name:POST /charge",
      "service:checkout",
    ]);
    expect(read.upstream_calls).toBe(1);
    const [request] = fake.requests;
    expect(request?.path).toBe(`/api/v2/metrics/${ERRORS}/all-tags`);
    expect(request?.query["filter[tags]"]).toBe("service:checkout,env:prod");
    // Datadog looks back at least four hours for tags.
    expect(Number(request?.query["window[seconds]"])).toBe(14_400);
  });

  it("reads a metric Datadog does not know as no tags, without retrying", async () => {
    fake.reset();
    const read = await source().metricTags("nobody.reports.this", scope, HOUR, live());
    expect(read).toEqual({ value: [], upstream_calls: 1 });
    expect(fake.count("/api/v2/metrics/")).toBe(1);
  });

  it("refuses a metric name that is not one before anything is sent", async () => {
    fake.reset();
    await expect(source().metricTags("errors{*}", scope, HOUR, live())).rejects.toThrow(
      /not a Datadog metric name/,
    );
    expect(fake.requests).toHaveLength(0);
  });

  it("serves grouped reads whose groups sum to the whole", async () => {
    const dd = source();
    const whole = await dd.queryMetrics(
      { metric: ERRORS, aggregator: "sum", by: [], as_count: false },
      scope,
      HOUR,
      live(),
    );
    const grouped = await dd.queryMetrics(
      { metric: ERRORS, aggregator: "sum", by: ["resource_name"], as_count: false },
      scope,
      HOUR,
      live(),
    );
    expect(grouped.value.map((s) => s.group)).toHaveLength(3);
    const points = whole.value[0]?.points ?? [];
    points.forEach(([, v], i) => {
      const sum = grouped.value.reduce((a, s) => a + (s.points[i]?.[1] ?? 0), 0);
      expect(sum).toBeCloseTo(v ?? 0, 6);
    });
  });

  it("caches the tags in Redis: a second worker's read is a hit", async () => {
    fake.reset();
    const redis = new Redis(redisServer.url);
    const a = new CachedSource(source(), {
      redis,
      cache: {
        bucket_seconds: 60,
        ttl_live_seconds: 60,
        ttl_past_seconds: 86_400,
        lock_ttl_ms: 1000,
        wait_timeout_ms: 5000,
      },
    });
    const b = new CachedSource(source(), {
      redis,
      cache: {
        bucket_seconds: 60,
        ttl_live_seconds: 60,
        ttl_past_seconds: 86_400,
        lock_ttl_ms: 1000,
        wait_timeout_ms: 5000,
      },
    });
    const first = await a.metricTags(ERRORS, scope, HOUR, live());
    const second = await b.metricTags(ERRORS, scope, { ...HOUR, start: HOUR.start - 60_000 }, live());
    expect(first).toMatchObject({ cache: "miss", upstream_calls: 1 });
    expect(second).toEqual({ ...first, cache: "hit", upstream_calls: 0 });
    expect(fake.count("/api/v2/metrics/")).toBe(1);
    await a.close();
    await b.close();
    redis.disconnect();
  });

  it("gives the demo source the same tags as the fake", async () => {
    const demo = new DemoSource({ scenarios: () => scenario, anchor: () => ANCHOR, now: () => ANCHOR });
    const viaDatadog = await source().metricTags(ERRORS, scope, HOUR, live());
    const viaDemo = await demo.metricTags(ERRORS, scope, HOUR, live());
    expect(viaDemo.value).toEqual(viaDatadog.value);
  });
});
