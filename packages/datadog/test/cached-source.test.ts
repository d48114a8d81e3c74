import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import {
  renderMetricQuery,
  serviceScope,
  type MetricQuery,
  type SourceRead,
  type TimeWindow,
} from "@orch/core";
import { startFakeDatadog, startRedis, type FakeDatadog, type RedisServer } from "@orch/testkit";
import { CachedSource, DatadogSource, type CacheSettings } from "@orch/datadog";

const ANCHOR = Date.UTC(2025, 0, 15, 12, 0, 0);
const PAST_HOUR: TimeWindow = { start: ANCHOR - 3_600_000, end: ANCHOR, label: "last hour" };
const scope = serviceScope("api-gateway");
const live = () => new AbortController().signal;
const metric = (name: string, aggregator: MetricQuery["aggregator"] = "avg"): MetricQuery => ({
  metric: name,
  aggregator,
  by: [],
  as_count: false,
});
const errors = metric("trace.http.request.errors", "sum");
const SETTINGS: CacheSettings = {
  bucket_seconds: 60,
  ttl_live_seconds: 60,
  ttl_past_seconds: 86_400,
  lock_ttl_ms: 1_000,
  wait_timeout_ms: 15_000,
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
/** Requests that asked `query`, alone or among others (comma-separated). */
const sent = (fake: FakeDatadog, query: MetricQuery) =>
  fake.requests.filter((r) =>
    (r.query.query ?? "").split(/,(?![^{(]*[})])/).includes(renderMetricQuery(query, "service:api-gateway")),
  ).length;

describe("CachedSource over DatadogSource, against a real Redis and the fake Datadog", () => {
  let redisServer: RedisServer;
  let admin: Redis;
  let fake: FakeDatadog;
  let opened: Array<{ close(): Promise<void> }> = [];

  /** A worker as a separate process would have it: its own Redis connection and sources. */
  const worker = (cache: CacheSettings = SETTINGS, now?: () => number) => {
    const redis = new Redis(redisServer.url);
    const inner = new DatadogSource({
      apiKey: fake.apiKey,
      appKey: fake.appKey,
      apiUrl: fake.url,
      maxRetries: 0,
    });
    const source = new CachedSource(inner, { redis, cache, ...(now ? { now } : {}) });
    opened.push({
      close: () =>
        source
          .close()
          .then(() => redis.quit())
          .then(() => undefined),
    });
    return source;
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
    await Promise.all(opened.map((o) => o.close()));
    opened = [];
  });

  it("misses, then hits, for the same query asked twice", async () => {
    const source = worker();

    const first = await source.queryMetrics(errors, scope, PAST_HOUR, live());
    const second = await source.queryMetrics(errors, scope, PAST_HOUR, live());

    expect(first).toMatchObject({ cache: "miss", upstream_calls: 1 });
    expect(second).toMatchObject({ cache: "hit", upstream_calls: 0 });
    expect(second.value).toEqual(first.value);
    expect(fake.count("/api/v1/query")).toBe(1);
  });

  it("serves 'last hour' asked 20 s apart from one entry, reading the bucket-aligned window", async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const asked = (at: number): TimeWindow => ({ start: at - 3_600_000, end: at, label: "last hour" });

    const first = await worker().queryMetrics(errors, scope, asked(minute + 5_000), live());
    const second = await worker().queryMetrics(errors, scope, asked(minute + 25_000), live());

    expect([first.cache, second.cache]).toEqual(["miss", "hit"]);
    expect(fake.requests[0]!.query).toMatchObject({
      from: String((minute - 3_600_000) / 1000),
      to: String(minute / 1000),
    });
  });

  it("keeps a window that reaches now for ttl_live_seconds and a past one for ttl_past_seconds", async () => {
    const now = Date.now();
    await worker().queryMetrics(
      errors,
      scope,
      { start: now - 3_600_000, end: now, label: "last hour" },
      live(),
    );
    const [liveKey] = await admin.keys("orch:dd:{cache}:v:*");
    const liveTtl = await admin.ttl(liveKey!);
    await admin.flushall();

    await worker().queryMetrics(errors, scope, PAST_HOUR, live());
    const [pastKey] = await admin.keys("orch:dd:{cache}:v:*");
    const pastTtl = await admin.ttl(pastKey!);

    expect(liveTtl).toBeGreaterThan(0);
    expect(liveTtl).toBeLessThanOrEqual(SETTINGS.ttl_live_seconds);
    expect(pastTtl).toBeGreaterThan(SETTINGS.ttl_live_seconds);
    expect(pastTtl).toBeLessThanOrEqual(SETTINGS.ttl_past_seconds);
  });

  it("discovers a service's metrics once an hour, not once a minute, for every worker", async () => {
    // Two asks 40 minutes apart within one hour (an hour's start is where discovery's key changes).
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const lastHour = (end: number): TimeWindow => ({ start: end - 3_600_000, end, label: "last hour" });
    const [a, b] = [worker(), worker()];

    const first = await a.discoverMetrics(scope, lastHour(hour + 10 * 60_000), live());
    const later = await b.discoverMetrics(scope, lastHour(hour + 50 * 60_000), live());

    expect([first.cache, later.cache]).toEqual(["miss", "hit"]);
    expect(fake.count("/api/v1/metrics")).toBe(1);
    const [key] = await admin.keys("orch:dd:{cache}:v:*");
    const ttl = await admin.ttl(key!);
    // Far longer than a live window's minute; the hour-aligned key changes with the hour anyway.
    expect(ttl).toBeGreaterThan(SETTINGS.ttl_live_seconds);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it("keeps a metric's metadata a day, and Datadog's 404 as none, for every worker", async () => {
    fake.inject({
      kind: "respond",
      path: "/api/v1/metrics/",
      body: { type: "count", unit: "request", per_unit: "second", description: null, integration: null },
    });
    const [a, b] = [worker(), worker()];

    const first = await a.metricMetadata("custom.queue.size", scope, live());
    const second = await b.metricMetadata("custom.queue.size", scope, live());
    const missing = await a.metricMetadata("nobody.reports.this", scope, live());
    const missingAgain = await b.metricMetadata("nobody.reports.this", scope, live());

    expect(first).toEqual({
      value: { type: "count", unit: "request", per_unit: "second" },
      cache: "miss",
      upstream_calls: 1,
    });
    expect(second).toEqual({ ...first, cache: "hit", upstream_calls: 0 });
    expect(missing).toEqual({ value: null, cache: "miss", upstream_calls: 1 });
    expect(missingAgain).toEqual({ value: null, cache: "hit", upstream_calls: 0 });
    expect(fake.count("/api/v1/metrics/")).toBe(2);
    const keys = await admin.keys("orch:dd:{cache}:v:*");
    const ttls = await Promise.all(keys.map((k) => admin.ttl(k)));
    expect(ttls).toHaveLength(2);
    for (const ttl of ttls) expect(ttl).toBeGreaterThan(86_000);
  });

  it("reads upstream again once a live entry has expired", async () => {
    const source = worker({ ...SETTINGS, ttl_live_seconds: 1 });
    const now = Date.now();
    const window = { start: now - 3_600_000, end: now, label: "last hour" };

    const first = await source.queryMetrics(errors, scope, window, live());
    const soon = await source.queryMetrics(errors, scope, window, live());
    // Until Redis has expired the entry (EXISTS expires a key past its TTL).
    const [entry] = await admin.keys("orch:dd:{cache}:v:*");
    expect(entry).toBeDefined();
    while ((await admin.exists(entry!)) === 1) await new Promise((r) => setTimeout(r, 25));
    const later = await source.queryMetrics(errors, scope, window, live());

    expect([first.cache, soon.cache, later.cache]).toEqual(["miss", "hit", "miss"]);
    expect(fake.count("/api/v1/query")).toBe(2);
  });

  it("makes one upstream call per distinct query for 50 workers asking at once", async () => {
    // Each upstream read takes 300 ms, so the whole burst overlaps it.
    fake.inject({ kind: "slow", delay_ms: 300, times: Infinity });
    const workers = Array.from({ length: 50 }, () => worker());
    const queries = [errors, metric("system.cpu.user"), metric("trace.http.request.hits", "sum")];
    const burst = () =>
      Promise.all(workers.flatMap((w) => queries.map((q) => w.queryMetrics(q, scope, PAST_HOUR, live()))));

    const first = await burst();
    const second = await burst();

    // Each query is asked once; leaders in the same process share a request.
    for (const query of queries) expect(sent(fake, query)).toBe(1);
    const requests = fake.count("/api/v1/query");
    expect(requests).toBeLessThanOrEqual(3);
    expect(first.filter((r) => r.cache === "miss")).toHaveLength(3);
    expect(first.reduce((a, r) => a + r.upstream_calls, 0)).toBe(requests);
    expect(second.every((r) => r.cache === "hit" && r.upstream_calls === 0)).toBe(true);
    for (const [i, read] of first.entries()) expect(read.value).toEqual(first[i % 3]!.value);
    console.log(
      `[measure] 50 workers x 3 queries: ${fake.count("/api/v1/query")} upstream calls; ` +
        `second burst hit ratio ${second.filter((r) => r.cache === "hit").length}/${second.length}`,
    );
  });

  it("shares one upstream failure with every worker waiting on the same read", async () => {
    fake.inject({ kind: "server_error", status: 500, times: Infinity });
    const workers = Array.from({ length: 10 }, () => worker());

    const outcomes = await Promise.allSettled(
      workers.map((w) => w.queryMetrics(errors, scope, PAST_HOUR, live())),
    );

    expect(outcomes.every((o) => o.status === "rejected")).toBe(true);
    expect(fake.count("/api/v1/query")).toBe(1);
  });

  it("lets waiters take over when the lock holder is killed with SIGKILL mid-read", async () => {
    fake.inject({ kind: "slow", delay_ms: 30_000, path: "/api/v1/query" });
    const fixture = fileURLToPath(new URL("./fixtures/lock-holder.ts", import.meta.url));
    const input = {
      redisUrl: redisServer.url,
      apiUrl: fake.url,
      apiKey: fake.apiKey,
      appKey: fake.appKey,
      cache: SETTINGS,
      query: errors,
      service: "api-gateway",
      window: PAST_HOUR,
    };
    const holder = spawn(
      process.execPath,
      ["--conditions=@orch/source", "--import", "tsx", fixture, JSON.stringify(input)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = new Promise((resolve) => holder.once("exit", resolve));
    try {
      // The holder's request reaching Datadog means it took the lock. Loading the SDK in a new
      // process can take many seconds on a loaded machine: the test's timeout bounds the wait.
      while (fake.count("/api/v1/query") === 0 && holder.exitCode === null)
        await new Promise((r) => setTimeout(r, 25));
      expect(fake.count("/api/v1/query")).toBe(1);
      expect(await admin.keys("orch:dd:{cache}:l:*")).toHaveLength(1);
    } finally {
      holder.kill("SIGKILL");
      await exited;
    }

    const reads = await Promise.all(
      Array.from({ length: 10 }, () => worker().queryMetrics(errors, scope, PAST_HOUR, live())),
    );

    expect(reads.filter((r) => r.cache === "miss")).toHaveLength(1);
    expect(reads.every((r) => r.value.length === 1)).toBe(true);
    expect(fake.count("/api/v1/query")).toBe(2);
  }, 120_000);

  it("measures a cached read against an uncached one", async () => {
    const source = worker();
    const windows = Array.from({ length: 15 }, (_, i) => ({
      start: PAST_HOUR.start - i * 3_600_000,
      end: PAST_HOUR.end - i * 3_600_000,
      label: "an hour",
    }));
    const timed = async (window: TimeWindow): Promise<[number, SourceRead<unknown>]> => {
      const started = performance.now();
      const read = await source.queryMetrics(errors, scope, window, live());
      return [performance.now() - started, read];
    };

    const uncached: number[] = [];
    for (const w of windows) uncached.push((await timed(w))[0]);
    const cached: number[] = [];
    for (const w of windows) {
      const [ms, read] = await timed(w);
      expect(read.cache).toBe("hit");
      cached.push(ms);
    }

    console.log(
      `[measure] median read latency: uncached ${median(uncached).toFixed(2)} ms, cached ${median(cached).toFixed(2)} ms`,
    );
    expect(fake.count("/api/v1/query")).toBe(15);
  });
});
