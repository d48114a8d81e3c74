import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  parseScenario,
  serviceScope,
  ScopeViolation,
  UpstreamError,
  type MetricQuery,
  type ServiceScope,
} from "@orch/core";
import { demoScenarioFor } from "@orch/core";
import { freePort, startFakeDatadog, type FakeDatadog } from "@orch/testkit";
import { DatadogSource, type DatadogSourceOptions } from "@orch/datadog";

const ANCHOR = Date.UTC(2025, 0, 15, 12, 0, 0);
const HOUR = { start: ANCHOR - 3_600_000, end: ANCHOR, label: "last hour" };
const DAY = { start: ANCHOR - 86_400_000, end: ANCHOR, label: "last 24 hours" };
const scope = serviceScope("api-gateway");
const errors: MetricQuery = {
  metric: "trace.http.request.errors",
  aggregator: "sum",
  by: [],
  as_count: true,
};
const live = () => new AbortController().signal;

/** A service whose only monitor names it in its query, not in a tag, and has alerted for 400 days. */
const byQueryScenario = parseScenario({
  id: "by-query",
  service: "by-query",
  question: "How is it?",
  series: [{ metric: "rabbitmq.queue.messages", baseline: 10 }],
  monitors: [
    {
      name: "queue depth",
      state: "Alert",
      type: "metric alert",
      query: "avg(last_5m):avg:rabbitmq.queue.messages{service:by-query} > 1000",
      tags: ["team:messaging"],
      service_tag: false,
      state_since: "-400d",
    },
  ],
});

/** A service whose CPU is reported by three hosts. */
const hostsScenario = parseScenario({
  id: "three-hosts",
  service: "fleet",
  question: "How is the fleet?",
  series: ["web-1", "web-2", "web-3"].map((host, i) => ({
    metric: "system.cpu.user",
    baseline: 20 + i * 10,
    group: [`host:${host}`],
  })),
});

describe("DatadogSource on the real SDK against the fake Datadog", () => {
  let fake: FakeDatadog;
  const source = (options: Partial<DatadogSourceOptions> = {}) =>
    new DatadogSource({
      apiKey: fake.apiKey,
      appKey: fake.appKey,
      apiUrl: fake.url,
      maxRetries: 0,
      backoffBaseMs: 10,
      ...options,
    });

  beforeAll(async () => {
    fake = await startFakeDatadog({
      anchor: () => ANCHOR,
      scenarios: (service) =>
        service === "fleet"
          ? hostsScenario
          : service === "by-query"
            ? byQueryScenario
            : demoScenarioFor(service),
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it("is named after the organisation's configured name, else its site, else plain datadog, never a URL", () => {
    expect(new DatadogSource({ apiKey: "k", appKey: "a", site: "datadoghq.eu" }).id).toBe(
      "datadog:datadoghq.eu",
    );
    expect(source().id).toBe("datadog");
    expect(source({ name: "acme-prod" }).id).toBe("datadog:acme-prod");
  });

  it("names the organisation, not the API URL's host or address, in errors; logs the host for operators", async () => {
    const warnings: Array<{ details: Record<string, unknown>; message: string }> = [];
    const logger = {
      warn: (details: object, message: string) =>
        warnings.push({ details: details as Record<string, unknown>, message }),
      debug: () => undefined,
    };
    const closed = `http://127.0.0.1:${await freePort()}`;
    const failure = (read: Promise<unknown>) =>
      read.then(
        () => new UpstreamError("upstream_error", "the read succeeded", false),
        (e: unknown) => e as UpstreamError,
      );
    const refused = await failure(
      source({ apiUrl: closed, maxRetries: 1, logger }).queryMetrics(errors, scope, HOUR, live()),
    );
    fake.inject({ kind: "server_error", status: 500, times: Infinity });
    const failed = await failure(source({ name: "acme-prod", maxRetries: 0 }).monitors(scope, live()));

    expect(refused).toMatchObject({ code: "upstream_error" });
    expect(refused.message).toMatch(/^could not reach Datadog \(datadog\) .*ECONNREFUSED/);
    expect(failed.message).toMatch(
      /^Datadog answered HTTP 500 on GET \/api\/v1\/monitor\/search \(acme-prod\)/,
    );
    for (const text of [refused.message, failed.message, JSON.stringify(refused), JSON.stringify(failed)]) {
      expect(text).not.toContain("127.0.0.1");
      expect(text).not.toContain(new URL(closed).port);
      expect(text).not.toContain(new URL(fake.url).port);
    }
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((w) => w.details.host === new URL(closed).host)).toBe(true);
    expect(JSON.stringify(warnings)).toContain("ECONNREFUSED 127.0.0.1");
  });

  it("reads a metric time series from /api/v1/query with the scope inside the query", async () => {
    const read = await source().queryMetrics(errors, scope, HOUR, live());

    expect(read.upstream_calls).toBe(1);
    expect(read.value).toHaveLength(1);
    const series = read.value[0]!;
    expect(series.query).toBe("sum:trace.http.request.errors{service:api-gateway}.as_count()");
    expect(series).toMatchObject({
      metric: "trace.http.request.errors",
      interval_s: 20,
      kind: "errors",
      unit: "error",
      group: [],
    });
    expect(series.points.length).toBeGreaterThan(170);
    expect(series.points.every(([t, v]) => t >= HOUR.start && t <= HOUR.end && typeof v === "number")).toBe(
      true,
    );
    const sent = fake.requests[0]!;
    expect(sent.path).toBe("/api/v1/query");
    expect(sent.query).toMatchObject({
      query: series.query,
      from: String(HOUR.start / 1000),
      to: String(HOUR.end / 1000),
    });
  });

  it("returns one series per group, capped at max_metrics_per_request", async () => {
    const byHost: MetricQuery = {
      metric: "system.cpu.user",
      aggregator: "avg",
      by: ["host"],
      as_count: false,
    };
    const fleet = serviceScope("fleet");

    const all = await source().queryMetrics(byHost, fleet, HOUR, live());
    const capped = await source({ maxMetricsPerRequest: 2 }).queryMetrics(byHost, fleet, HOUR, live());

    expect(all.value.map((s) => s.group)).toEqual([["host:web-1"], ["host:web-2"], ["host:web-3"]]);
    expect(capped.value).toHaveLength(2);
  });

  it("discovers the service's metrics from /api/v1/metrics with the scope as tag_filter", async () => {
    const read = await source().discoverMetrics(scope, HOUR, live());

    expect(read.value).toContain("trace.http.request.errors");
    expect(read.value).toContain("system.cpu.user");
    expect(fake.requests[0]).toMatchObject({
      path: "/api/v1/metrics",
      query: { tag_filter: "service:api-gateway", from: String(HOUR.start / 1000) },
    });
  });

  it("finds the service's monitors by their tags or by their query in one search, with type and times", async () => {
    const read = await source().monitors(scope, live());

    expect(read.value.monitors.map((m) => [m.name, m.state, m.type])).toEqual([
      ["api-gateway 5xx error rate", "Alert", "query alert"],
      ["api-gateway p95 latency", "Warn", "query alert"],
    ]);
    expect(read.value.monitors[0]).toMatchObject({
      id: 1000,
      query: "sum:trace.http.request.errors{service:api-gateway}",
      last_triggered: ANCHOR - 30 * 60_000,
      state_since: ANCHOR - 30 * 60_000,
    });
    expect(read.value.excluded).toEqual([]);
    expect(fake.requests.map((r) => [r.path, r.query])).toEqual([
      [
        "/api/v1/monitor/search",
        { query: '(tag:"service:api-gateway") OR (scope:"service:api-gateway")', page: "0", per_page: "100" },
      ],
    ]);
  });

  it("searches the monitors of a service with an env by every scope tag, in both branches", async () => {
    const read = await source().monitors(serviceScope("api-gateway", undefined, "prod"), live());

    expect(fake.requests.map((r) => r.query.query)).toEqual([
      '(tag:"service:api-gateway" AND tag:"env:prod") OR (scope:"service:api-gateway" AND scope:"env:prod")',
    ]);
    // The scenario's monitors carry no env tag and read no env: none is about env:prod.
    expect(read.value.monitors).toEqual([]);
    expect(read.upstream_calls).toBe(1);
  });

  it("finds a monitor that names the service only in its query, in Alert since long before", async () => {
    const read = await source().monitors(serviceScope("by-query"), live());

    expect(read.value.monitors.map((m) => [m.name, m.tags, m.state_since])).toEqual([
      ["queue depth", ["team:messaging"], ANCHOR - 400 * 86_400_000],
    ]);
  });

  it("lists the events of the window, oldest first, and recognises deploys", async () => {
    const read = await source().events(scope, DAY, live());

    expect(read.value).toHaveLength(1);
    expect(read.value[0]).toMatchObject({
      title: "Deployed api-gateway v2.14.0",
      type: "deploy",
      time: ANCHOR - 37 * 60_000,
    });
    expect(fake.requests[0]).toMatchObject({
      path: "/api/v1/events",
      query: { tags: "service:api-gateway" },
    });
  });

  it("summarises error logs: counts per bucket from the aggregate API, top messages from a search", async () => {
    const read = await source().logs(scope, HOUR, "status:error", live());

    expect(read.upstream_calls).toBe(2);
    expect(read.value.error_counts).toHaveLength(180);
    expect(read.value.total_errors).toBe(read.value.error_counts.reduce((a, [, n]) => a + n, 0));
    expect(read.value.total_errors).toBeGreaterThan(500);
    expect(read.value.top_messages[0]?.message).toBe(
      "502 Bad Gateway: upstream users-service refused connection",
    );
    const bodies = fake.requests.map((r) => r.body as { filter: { query: string } });
    expect(bodies.map((b) => b.filter.query)).toEqual([
      "service:api-gateway status:error",
      "service:api-gateway status:error",
    ]);
  });

  it("counts error logs from the sample alone when it holds all of them, as the aggregate counts them", async () => {
    const aggregated = await source().logs(scope, HOUR, "status:error", live());
    fake.reset();

    const sampled = await source({ logSampleSize: 5000 }).logs(scope, HOUR, "status:error", live());

    expect(fake.requests.map((r) => r.path)).toEqual(["/api/v2/logs/events/search"]);
    expect(sampled.upstream_calls).toBe(1);
    expect(sampled.value.error_counts).toEqual(aggregated.value.error_counts);
    expect(sampled.value.total_errors).toBe(aggregated.value.total_errors);
  });

  it("reads the metric queries started together in one request, each answered with its own series", async () => {
    const shifted = { ...errors, shift: "day" as const };
    const cpu: MetricQuery = { metric: "system.cpu.user", aggregator: "avg", by: [], as_count: false };
    const alone = source({ maxQueriesPerRequest: 1 });
    const expected = [
      await alone.queryMetrics(errors, scope, HOUR, live()),
      await alone.queryMetrics(shifted, scope, HOUR, live()),
      await alone.queryMetrics(cpu, scope, HOUR, live()),
    ];
    fake.reset();

    const batching = source();
    const together = await Promise.all(
      [errors, shifted, cpu].map((q) => batching.queryMetrics(q, scope, HOUR, live())),
    );

    expect(fake.count("/api/v1/query")).toBe(1);
    expect(fake.requests[0]?.query.query).toBe(
      "sum:trace.http.request.errors{service:api-gateway}.as_count()," +
        "day_before(sum:trace.http.request.errors{service:api-gateway}.as_count())," +
        "avg:system.cpu.user{service:api-gateway}",
    );
    expect(together.map((r) => r.value)).toEqual(expected.map((r) => r.value));
    expect(together.map((r) => r.upstream_calls)).toEqual([1, 0, 0]);
  });

  it("asks each query alone when Datadog refuses the batch, so one bad query fails only itself", async () => {
    const cpu: MetricQuery = { metric: "system.cpu.user", aggregator: "avg", by: [], as_count: false };
    fake.inject({
      kind: "respond",
      path: "/api/v1/query",
      status: 400,
      body: { errors: ["Error parsing query: unable to parse"] },
    });
    fake.inject({
      kind: "respond",
      path: "/api/v1/query",
      status: 400,
      body: { errors: ["Error parsing query: unable to parse"] },
    });
    const batching = source();

    const outcomes = await Promise.allSettled(
      [errors, cpu].map((q) => batching.queryMetrics(q, scope, HOUR, live())),
    );

    // The batch is refused; each query is then asked alone, and the one refused again fails alone.
    expect(fake.count("/api/v1/query")).toBe(3);
    expect(fake.requests.slice(1).map((r) => r.query.query?.includes(","))).toEqual([false, false]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
  });

  it("gives up one caller's query without abandoning the request of the others", async () => {
    const cpu: MetricQuery = { metric: "system.cpu.user", aggregator: "avg", by: [], as_count: false };
    fake.inject({ kind: "slow", delay_ms: 300, path: "/api/v1/query" });
    const batching = source();
    const quitter = new AbortController();

    const reads = [
      batching.queryMetrics(errors, scope, HOUR, quitter.signal),
      batching.queryMetrics(cpu, scope, HOUR, live()),
    ];
    quitter.abort();
    const [gone, kept] = await Promise.allSettled(reads);

    expect(gone?.status).toBe("rejected");
    expect(kept?.status === "fulfilled" && kept.value.value.length).toBeGreaterThan(0);
    expect(fake.count("/api/v1/query")).toBe(1);
  });

  it("sends the keys only as headers, so the request log never holds them", async () => {
    await source().queryMetrics(errors, scope, HOUR, live());

    const recorded = JSON.stringify(fake.requests);
    expect(recorded).not.toContain(fake.apiKey);
    expect(recorded).not.toContain(fake.appKey);
  });
});

describe("DatadogSource faults", () => {
  let fake: FakeDatadog;
  const source = (options: Partial<DatadogSourceOptions> = {}) =>
    new DatadogSource({
      apiKey: fake.apiKey,
      appKey: fake.appKey,
      apiUrl: fake.url,
      backoffBaseMs: 10,
      ...options,
    });

  beforeAll(async () => {
    fake = await startFakeDatadog({ anchor: () => ANCHOR });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it("waits for X-RateLimit-Reset after a 429, then retries", async () => {
    fake.inject({ kind: "rate_limit", reset_s: 1, path: "/api/v1/query" });
    const started = Date.now();

    const read = await source({ maxRetries: 2 }).queryMetrics(errors, scope, HOUR, live());

    expect(read.upstream_calls).toBe(2);
    expect(read.value).toHaveLength(1);
    const [first, second] = fake.requests;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("waits for a bare Retry-After after a 429, as a proxy or gateway sends it", async () => {
    fake.inject({ kind: "rate_limit", retry_after_s: 1, path: "/api/v1/query" });

    const read = await source({ maxRetries: 2 }).queryMetrics(errors, scope, HOUR, live());

    expect(read.upstream_calls).toBe(2);
    const [first, second] = fake.requests;
    expect(first!.path).toBe("/api/v1/query");
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it("gives up with rate_limited when 429s outlast max_retries", async () => {
    fake.inject({ kind: "rate_limit", reset_s: 0, times: Infinity });

    const failure = source({ maxRetries: 2 }).queryMetrics(errors, scope, HOUR, live());

    await expect(failure).rejects.toMatchObject({ code: "rate_limited", retryable: true });
    expect(fake.count()).toBe(3);
  });

  it("retries 5xx answers with backoff until one succeeds", async () => {
    fake.inject({ kind: "server_error", status: 503, times: 2 });

    const read = await source({ maxRetries: 3 }).monitors(scope, live());

    // One search, answered 503 twice, retried until it succeeds.
    expect(read.upstream_calls).toBe(3);
    expect(read.value.monitors).toHaveLength(2);
  });

  it("retries a connection dropped without an answer", async () => {
    fake.inject({ kind: "disconnect" });

    const read = await source({ maxRetries: 1 }).discoverMetrics(scope, HOUR, live());

    expect(read.upstream_calls).toBe(2);
    expect(read.value.length).toBeGreaterThan(0);
  });

  it("reports upstream_timeout when Datadog is slower than request_timeout_ms", async () => {
    fake.inject({ kind: "slow", delay_ms: 5_000, times: Infinity });

    const failure = source({ requestTimeoutMs: 200, maxRetries: 1 }).queryMetrics(
      errors,
      scope,
      HOUR,
      live(),
    );

    await expect(failure).rejects.toBeInstanceOf(UpstreamError);
    await expect(failure).rejects.toMatchObject({ code: "upstream_timeout" });
    expect(fake.count()).toBe(2);
  });

  it("reports a malformed body as upstream_error", async () => {
    fake.inject({ kind: "malformed", times: Infinity });

    const failure = source({ maxRetries: 1 }).queryMetrics(errors, scope, HOUR, live());

    await expect(failure).rejects.toMatchObject({ code: "upstream_error" });
    await expect(failure).rejects.toThrow("malformed");
  });

  it("stops as soon as the caller's signal aborts", async () => {
    fake.inject({ kind: "slow", delay_ms: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("job cancelled")), 100);

    const failure = source({ requestTimeoutMs: 30_000 }).queryMetrics(errors, scope, HOUR, controller.signal);

    await expect(failure).rejects.toThrow("job cancelled");
    expect(fake.count()).toBe(1);
  });

  it("names the Datadog auth failure, without any key, and does not retry it", async () => {
    const wrong = { apiKey: "wrong-api-key-0123456789abcdef", appKey: "wrong-app-key-0123456789abcdef" };

    const error = await source({ ...wrong, maxRetries: 3 })
      .queryMetrics(errors, scope, HOUR, live())
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: "upstream_auth", retryable: false });
    const text = `${(error as Error).message} ${JSON.stringify(error)} ${String((error as Error).stack)}`;
    expect((error as Error).message).toContain("Datadog rejected the API or application key (HTTP 403)");
    for (const key of [wrong.apiKey, wrong.appKey, fake.apiKey, fake.appKey]) expect(text).not.toContain(key);
    expect(fake.count()).toBe(1);
  });
});

describe("DatadogSource on wire formats other than our fake's", () => {
  let fake: FakeDatadog;
  let source: DatadogSource;
  /** One result of the monitor search, as Datadog sends it. */
  const monitor = (id: number, extra: Record<string, unknown> = {}) => ({
    id,
    name: `monitor ${id}`,
    type: "query alert",
    query: `avg(last_5m):avg:system.cpu.user{service:api-gateway} > ${id}`,
    tags: ["service:api-gateway"],
    status: "OK",
    ...extra,
  });
  /** A page of the monitor search holding `monitors`. */
  const found = (monitors: readonly unknown[], page = 0) => ({
    counts: { status: [], muted: [], tag: [], type: [] },
    monitors,
    metadata: { total_count: monitors.length, page_count: monitors.length, page, per_page: 100 },
  });
  const SEARCH = "/api/v1/monitor/search";

  beforeAll(async () => {
    fake = await startFakeDatadog({ anchor: () => ANCHOR });
    source = new DatadogSource({ apiKey: fake.apiKey, appKey: fake.appKey, apiUrl: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it("keeps every valid monitor when one lacks the query and type the SDK calls required", async () => {
    const { query: _q, type: _t, ...bare } = monitor(1, { status: "Alert" });
    fake.inject({
      kind: "respond",
      path: SEARCH,
      body: found([
        bare,
        monitor(2, { status: "Warn", priority: "high" }),
        monitor(3, { status: "no_data" }),
        "not a monitor",
        null,
      ]),
    });

    const read = await source.monitors(scope, live());

    expect(read.value.monitors.map((m) => [m.id, m.state, m.query])).toEqual([
      [1, "Alert", undefined],
      [2, "Warn", "avg(last_5m):avg:system.cpu.user{service:api-gateway} > 2"],
      [3, "No Data", "avg(last_5m):avg:system.cpu.user{service:api-gateway} > 3"],
    ]);
  });

  it("stops paging when the server answers the same page again, and lists each monitor once", async () => {
    const page = Array.from({ length: 100 }, (_, i) => monitor(i + 1));
    fake.inject({ kind: "respond", path: SEARCH, body: found(page), times: Infinity });

    const read = await source.monitors(scope, live());

    expect(read.value.monitors).toHaveLength(100);
    expect(new Set(read.value.monitors.map((m) => m.id)).size).toBe(100);
    // The search stops at its second page, which brought nothing new.
    expect(fake.count(SEARCH)).toBe(2);
    expect(fake.requests.map((r) => r.query.page)).toEqual(["0", "1"]);
  });

  it("reads when a monitor entered its state from overall_state_modified, apart from its last trigger", async () => {
    // The search sends both as epoch seconds (or null).
    const since = (ANCHOR - 42 * 60_000) / 1000;
    const longAgo = Date.parse("2022-03-14T02:56:00+00:00") / 1000;
    fake.inject({
      kind: "respond",
      path: SEARCH,
      body: found([
        monitor(1, { status: "Alert", overall_state_modified: since, last_triggered_ts: null }),
        monitor(2, { status: "OK", overall_state_modified: since }),
        monitor(3, {
          status: "Alert",
          overall_state_modified: longAgo,
          last_triggered_ts: ANCHOR / 1000 - 60,
        }),
      ]),
    });

    const read = await source.monitors(scope, live());

    const [alert, ok, old] = read.value.monitors;
    expect(alert).toMatchObject({ id: 1, state_since: ANCHOR - 42 * 60_000 });
    expect(alert).not.toHaveProperty("last_triggered");
    expect(ok).toMatchObject({ id: 2, state: "OK", state_since: ANCHOR - 42 * 60_000 });
    // In Alert since 2022; its group re-triggered a minute ago: both are kept, neither replaces the other.
    expect(old).toMatchObject({
      id: 3,
      state_since: Date.parse("2022-03-14T02:56:00+00:00"),
      last_triggered: ANCHOR - 60_000,
    });
  });

  it("caps the monitors a read keeps, keeps the troubled ones, and says how many it left out and why", async () => {
    const many = Array.from({ length: 100 }, (_, i) => monitor(i + 1, { status: i === 99 ? "Alert" : "OK" }));
    const nextPage = Array.from({ length: 100 }, (_, i) => monitor(i + 101));
    const elsewhere = monitor(500, {
      tags: ["service:billing"],
      query: "avg(last_5m):avg:system.cpu.user{service:billing} > 9",
    });
    fake.inject({ kind: "respond", path: SEARCH, body: found(many) });
    fake.inject({ kind: "respond", path: SEARCH, body: found([...nextPage.slice(0, 99), elsewhere], 1) });
    fake.inject({ kind: "respond", path: SEARCH, body: found([], 2) });
    const capped = new DatadogSource({
      apiKey: fake.apiKey,
      appKey: fake.appKey,
      apiUrl: fake.url,
      maxRetries: 0,
    });

    const read = await capped.monitors(scope, live());

    expect(read.value.monitors).toHaveLength(199);
    expect(read.value.monitors.some((m) => m.id === 100 && m.state === "Alert")).toBe(true);
    expect(read.value.excluded).toEqual([{ reason: "other_scope", count: 1 }]);
  });

  it("keeps monitors and events without a service tag, and drops those naming another service", async () => {
    fake.inject({
      kind: "respond",
      path: SEARCH,
      body: found([
        monitor(1, { tags: [] }),
        monitor(2, {
          tags: ["service:billing"],
          query: "avg(last_5m):avg:system.cpu.user{service:billing} > 9",
        }),
        monitor(3, { tags: ["service:billing", "team:edge"] }),
        monitor(4, { tags: ["team:edge"], query: "avg(last_5m):avg:system.cpu.user{service:billing} > 9" }),
      ]),
    });
    const at = ANCHOR / 1000 - 600;
    fake.inject({
      kind: "respond",
      path: "/api/v1/events",
      body: {
        events: [
          { id: 1, title: "Deployed api-gateway v2", date_happened: at, tags: [] },
          { id: 2, title: "Deployed billing v9", date_happened: at, tags: ["service:billing"] },
          { id: 3, title: "Config flag flipped", date_happened: at, tags: ["env:prod", "team:edge"] },
        ],
        status: "ok",
      },
    });

    const monitors = await source.monitors(scope, live());
    const events = await source.events(scope, HOUR, live());

    // Monitor 3 is tagged for billing but its query reads api-gateway: it is about this service.
    expect(monitors.value.monitors.map((m) => m.id)).toEqual([1, 3]);
    expect(monitors.value.excluded).toEqual([{ reason: "other_scope", count: 2 }]);
    expect(events.value.map((e) => e.title)).toEqual(["Deployed api-gateway v2", "Config flag flipped"]);
  });

  it("recognises deploys by their integration, tags and titles, without an event_type tag", async () => {
    const at = ANCHOR / 1000 - 600;
    const events: Array<Record<string, unknown>> = [
      { title: "checkout v5.2.0 to prod", source_type_name: "My Apps" },
      { title: "Sync succeeded for api-gateway", source_type_name: "ArgoCD" },
      { title: "api-gateway #412 finished", source_type_name: "Jenkins" },
      { title: "Pull request #77 opened", source_type_name: "GitHub" },
      { title: "Deployment api-gateway rolled out", source_type_name: "kubernetes" },
      { title: "api-gateway", tags: ["deployment"] },
      { title: "api-gateway", tags: ["version:2.15.0"] },
      { title: "api-gateway 2.15 is out", text: "release notes inside" },
      { title: "CPU high on api-gateway", alert_type: "error", tags: ["version:2.15.0"] },
      { title: "Weekly report", source_type_name: "my apps" },
    ].map((e, i) => ({ id: i + 1, date_happened: at + i, tags: [], ...e }));
    fake.inject({ kind: "respond", path: "/api/v1/events", body: { events, status: "ok" } });

    const read = await source.events(scope, HOUR, live());

    expect(read.value.map((e) => [e.title, e.type])).toEqual([
      ["checkout v5.2.0 to prod", "deploy"],
      ["Sync succeeded for api-gateway", "deploy"],
      ["api-gateway #412 finished", "deploy"],
      ["Pull request #77 opened", "other"],
      ["Deployment api-gateway rolled out", "deploy"],
      ["api-gateway", "deploy"],
      ["api-gateway", "deploy"],
      ["api-gateway 2.15 is out", "deploy"],
      ["CPU high on api-gateway", "alert"],
      ["Weekly report", "other"],
    ]);
  });

  it.each([
    ["epoch milliseconds", (t: number) => t],
    ["epoch seconds", (t: number) => t / 1000],
    ["ISO 8601", (t: number) => new Date(t).toISOString()],
  ])("reads log counts whose bucket times are %s", async (_how, time) => {
    const points = [0, 1, 2].map((i) => ({ time: time(ANCHOR - (10 - i) * 60_000), value: 10 + i }));
    fake.inject({
      kind: "respond",
      path: "/api/v2/logs/analytics/aggregate",
      body: { data: { buckets: [{ by: {}, computes: { c0: points } }] }, meta: { status: "done" } },
    });

    const read = await source.logs(scope, HOUR, "status:error", live());

    expect(read.value.total_errors).toBe(33);
    const nonZero = read.value.error_counts.filter(([, n]) => n > 0);
    expect(nonZero.map(([t, n]) => [t, n])).toEqual([
      [ANCHOR - 10 * 60_000, 10],
      [ANCHOR - 9 * 60_000, 11],
      [ANCHOR - 8 * 60_000, 12],
    ]);
  });

  it("spreads a log total (c0 as a number) over the window like the sampled logs, never as zeros", async () => {
    fake.inject({
      kind: "respond",
      path: "/api/v2/logs/analytics/aggregate",
      body: { data: { buckets: [{ by: {}, computes: { c0: 5000 } }] } },
    });

    const read = await source.logs(scope, HOUR, "status:error", live());

    expect(read.value.total_errors).toBe(5000);
    const counts = read.value.error_counts.map(([, n]) => n);
    expect(counts).toHaveLength(180);
    // The demo service's error burst shows in the sample's timestamps, so it shows in the spread too.
    expect(Math.max(...counts)).toBeGreaterThan((2 * 5000) / 180);
    expect(read.value.top_messages[0]!.count).toBeGreaterThan(1000);
  });

  it("reads a query answer whose points are in epoch seconds", async () => {
    const from = HOUR.start / 1000;
    fake.inject({
      kind: "respond",
      path: "/api/v1/query",
      body: {
        status: "ok",
        series: [
          {
            metric: "trace.http.request.errors",
            pointlist: [
              [from, 1],
              [from + 60, "2"],
              [from + 120, null],
            ],
            interval: "60",
            tag_set: [],
            unit: "count",
          },
        ],
      },
    });

    const read = await source.queryMetrics(errors, scope, HOUR, live());

    expect(read.value[0]).toMatchObject({
      interval_s: 60,
      points: [
        [HOUR.start, 1],
        [HOUR.start + 60_000, 2],
        [HOUR.start + 120_000, null],
      ],
    });
  });

  it("sends several scope tags to metric discovery as Datadog's AND expression", async () => {
    const scoped = serviceScope("api-gateway", ["service:api-gateway", "team:edge"]);

    const read = await source.discoverMetrics(scoped, HOUR, live());

    expect(read.value).toContain("system.cpu.user");
    expect(fake.requests[0]?.query.tag_filter).toBe("service:api-gateway AND team:edge");
  });

  it("asks discovery again with a comma list when a server finds nothing for the AND expression", async () => {
    const scoped = serviceScope("api-gateway", ["service:api-gateway", "team:edge"]);
    fake.inject({ kind: "respond", path: "/api/v1/metrics", body: { from: "0", metrics: [] } });

    const read = await source.discoverMetrics(scoped, HOUR, live());

    expect(read.upstream_calls).toBe(2);
    expect(read.value).toContain("system.cpu.user");
    expect(fake.requests.map((r) => r.query.tag_filter)).toEqual([
      "service:api-gateway AND team:edge",
      "service:api-gateway,team:edge",
    ]);
  });
});

describe("DatadogSource scope guard", () => {
  let fake: FakeDatadog;
  let source: DatadogSource;

  beforeAll(async () => {
    fake = await startFakeDatadog({ anchor: () => ANCHOR });
    source = new DatadogSource({ apiKey: fake.apiKey, appKey: fake.appKey, apiUrl: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it.each([
    "service:billing",
    "*",
    "status:error OR service:billing",
    "-service:api-gateway",
    "(status:error)",
    "host:*",
  ])("rejects the log filter %j before any request leaves", async (filter) => {
    await expect(source.logs(scope, HOUR, filter, live())).rejects.toBeInstanceOf(ScopeViolation);
    expect(fake.requests).toEqual([]);
  });

  it.each([
    { metric: "system.cpu.user{*}", why: "a wildcard filter" },
    { metric: "system.cpu.user{service:billing}", why: "another service" },
    { metric: "system.cpu.user{service:billing},avg:system.cpu.user", why: "a second, unscoped query" },
  ])("rejects a metric query with $why", async ({ metric }) => {
    const query = { metric, aggregator: "avg", by: [], as_count: false } as MetricQuery;

    await expect(source.queryMetrics(query, scope, HOUR, live())).rejects.toBeInstanceOf(ScopeViolation);
    expect(fake.requests).toEqual([]);
  });

  it.each(["errors", "http_requests_total", "x"])(
    "sends a query for %j, a metric name without a dot, with the scope",
    async (metric) => {
      await source.queryMetrics({ metric, aggregator: "sum", by: [], as_count: true }, scope, HOUR, live());

      expect(fake.requests[0]?.query.query).toBe(`sum:${metric}{service:api-gateway}.as_count()`);
    },
  );

  it.each(["system.cpu.user/../../v1/monitor", "a b", "9lives", ""])(
    "refuses to read the metadata of %j, which is no metric name, before any request leaves",
    async (metric) => {
      await expect(source.metricMetadata(metric, scope, live())).rejects.toBeInstanceOf(ScopeViolation);
      expect(fake.requests).toEqual([]);
    },
  );

  const hostile: Array<[string, ServiceScope]> = [
    ["no tags at all", { service_id: "api-gateway", tags: [] }],
    ["a wildcard tag", { service_id: "api-gateway", tags: ["service:api-gateway", "service:*"] }],
    ["a boolean tag", { service_id: "api-gateway", tags: ["service:api-gateway OR service:billing"] }],
  ];

  it.each(hostile)("rejects a scope with %s on every endpoint", async (_why, bad) => {
    const reads = [
      source.queryMetrics(errors, bad, HOUR, live()),
      source.discoverMetrics(bad, HOUR, live()),
      source.monitors(bad, live()),
      source.metricMetadata("system.cpu.user", bad, live()),
      source.events(bad, HOUR, live()),
      source.logs(bad, HOUR, "status:error", live()),
    ];

    for (const read of reads) await expect(read).rejects.toBeInstanceOf(ScopeViolation);
    expect(fake.requests).toEqual([]);
  });
});
