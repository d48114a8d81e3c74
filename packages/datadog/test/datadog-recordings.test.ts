import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { serviceScope, type MetricQuery } from "@orch/core";
import { datadogRecording, startFakeDatadog, type FakeDatadog, type RecordingName } from "@orch/testkit";
import { DatadogSource } from "@orch/datadog";

/**
 * The real client path (official SDK, our transport and normalisation) on response bodies the
 * real Datadog API sent, served byte for byte: recordings from Datadog's own API client
 * cassettes (packages/testkit/fixtures/datadog-recordings).
 */

const scope = serviceScope("api-gateway");
const live = () => new AbortController().signal;
const at = (iso: string) => Date.parse(iso);
const query = (metric: string, extra: Partial<MetricQuery> = {}): MetricQuery => ({
  metric,
  aggregator: "avg",
  by: [],
  as_count: false,
  ...extra,
});

describe("DatadogSource on real recorded Datadog responses", () => {
  let fake: FakeDatadog;
  let source: DatadogSource;

  /** The next answer on `path` is the recording, as recorded (status and raw body). */
  const serve = (path: string, name: RecordingName, headers: Record<string, string> = {}) => {
    const recording = datadogRecording(name);
    fake.inject({ kind: "respond", path, status: recording.status, body: recording.text, headers });
  };

  beforeAll(async () => {
    fake = await startFakeDatadog();
    source = new DatadogSource({ apiKey: fake.apiKey, appKey: fake.appKey, apiUrl: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  const DAY_2021 = { start: at("2021-06-16T12:21:41Z"), end: at("2021-06-17T12:21:41Z"), label: "a day" };

  it("reads a query's points (float epoch-ms timestamps) and its interval", async () => {
    serve("/api/v1/query", "v1-query-system-cpu-idle");

    const read = await source.queryMetrics(query("system.cpu.idle"), scope, DAY_2021, live());

    const [series] = read.value;
    expect(read.value).toHaveLength(1);
    expect(series).toMatchObject({ metric: "system.cpu.idle", interval_s: 300, group: [] });
    expect(series!.points).toHaveLength(288);
    expect(series!.points[0]).toEqual([1623846300000, 94.31900300343831]);
    expect(series!.points.at(-1)).toEqual([1623932400000, 94.11299427350362]);
    expect(series!.points.every(([t]) => Number.isInteger(t))).toBe(true);
  });

  it("keeps the unit Datadog sends with a series (percent), whatever its aggr", async () => {
    serve("/api/v1/query", "v1-query-system-cpu-idle");

    const read = await source.queryMetrics(query("system.cpu.idle"), scope, DAY_2021, live());

    expect(read.value[0]?.source_unit).toEqual({ name: "percent" });
  });

  it("sends a query for a metric name without a dot, scoped, and reads its groups", async () => {
    serve("/api/v1/query", "v1-query-dotless-metric-by-host");
    const window = { start: 1589290238000, end: 1589290438000, label: "200 s" };

    const read = await source.queryMetrics(
      query("go_TestMetrics_local_1589290338", { by: ["host"] }),
      scope,
      window,
      live(),
    );

    expect(fake.requests[0]?.query.query).toBe(
      "avg:go_TestMetrics_local_1589290338{service:api-gateway} by {host}",
    );
    expect(read.value).toHaveLength(1);
    expect(read.value[0]).toMatchObject({
      metric: "go_TestMetrics_local_1589290338",
      group: ["host:go-client-test-host"],
      interval_s: 1,
      points: [
        [1589290278000, 10.5],
        [1589290338000, 11],
      ],
    });
    // `unit: null`: Datadog knows no unit, so none is claimed.
    expect(read.value[0]).not.toHaveProperty("source_unit");
  });

  it("discovers an active metric whose name has no dot", async () => {
    serve("/api/v1/metrics", "v1-metrics-active");

    const read = await source.discoverMetrics(scope, DAY_2021, live());

    expect(read.value).toEqual(["go_TestMetrics_local_1589290338"]);
  });

  it("reads a metric's metadata: type, unit, per-unit and interval", async () => {
    serve("/api/v1/metrics/", "v1-metric-metadata-set");

    const read = await source.metricMetadata("go_TestMetrics_local_1589290338", scope, live());

    expect(fake.requests[0]?.path).toBe("/api/v1/metrics/go_TestMetrics_local_1589290338");
    expect(read.value).toEqual({
      type: "count",
      unit: "byte",
      per_unit: "second",
      interval_s: 20,
      description: "description",
    });
  });

  it("reads metadata whose every field is null as no metadata", async () => {
    serve("/api/v1/metrics/", "v1-metric-metadata-unset");

    const read = await source.metricMetadata("go_TestMetrics_local_1589290338", scope, live());

    expect(read.value).toBeNull();
  });

  it("reads Datadog's 404 for a metric it does not know as no metadata, without retrying", async () => {
    serve("/api/v1/metrics/", "v1-metric-metadata-not-found");
    const patient = new DatadogSource({
      apiKey: fake.apiKey,
      appKey: fake.appKey,
      apiUrl: fake.url,
      maxRetries: 3,
    });

    const read = await patient.metricMetadata("ametric", scope, live());

    expect(read).toEqual({ value: null, upstream_calls: 1 });
    expect(fake.count("/api/v1/metrics/")).toBe(1);
  });

  it("finds monitors with their status, type, trigger and state change times from the search", async () => {
    serve("/api/v1/monitor/search", "v1-monitor-search");

    const read = await source.monitors(serviceScope("foo"), live());

    // One page of 30 (fewer than asked for): nothing more to read, and none names another service.
    expect(read.upstream_calls).toBe(1);
    expect(read.value.monitors).toHaveLength(30);
    expect(read.value.excluded).toEqual([]);
    const byId = (id: number) => read.value.monitors.find((m) => m.id === id);
    expect(byId(32104166)).toMatchObject({
      state: "No Data",
      type: "query alert",
      state_since: 1615723744000,
    });
    expect(byId(32104166)).not.toHaveProperty("last_triggered");
    expect(byId(35686777)).toMatchObject({
      state: "OK",
      type: "synthetics alert",
      last_triggered: 1621727437000,
      state_since: 1621727497000,
    });
  });

  it("reads a monitor whose state change time is null, naming its service only in its log query", async () => {
    serve("/api/v1/monitor/search", "v1-monitor-search");

    const read = await source.monitors(serviceScope("foo"), live());

    expect(read.value.monitors.find((m) => m.id === 35686885)).toEqual({
      id: 35686885,
      name: "Test-Go-TestMonitorPagination-1621436988",
      state: "No Data",
      type: "log alert",
      tags: ["test", "client:go"],
      query: 'logs("service:foo AND type:error").index("main").rollup("count").by("source").last("5m") > 2',
    });
  });

  it("keeps an event id above 2^53 exactly, and reads the integration from `source`", async () => {
    serve("/api/v1/events", "v1-events-list");
    const window = { start: 1585656853000, end: 1585656873000, label: "20 s" };

    const read = await source.events(scope, window, live());

    expect(read.value).toEqual([
      {
        id: "5392096511175887101",
        title: "test event from go client",
        text: "example text",
        time: 1585656863000,
        tags: ["client:go", "test"],
        type: "other",
        alert_type: "info",
      },
    ]);
  });

  it("counts error logs from the aggregate's points when the sample is not all of them, and names the top messages of the sample", async () => {
    serve("/api/v2/logs/analytics/aggregate", "v2-logs-aggregate-timeseries");
    serve("/api/v2/logs/events/search", "v2-logs-search-page");
    const window = { start: at("2022-01-06T00:35:00Z"), end: at("2022-01-06T00:55:00Z"), label: "20 min" };

    const read = await source.logs(scope, window, "status:error", live());

    // The recorded page has a next cursor: the sample is not all the logs, so the aggregate is read.
    expect(fake.count("/api/v2/logs/analytics/aggregate")).toBe(1);
    expect(read.value.total_errors).toBe(2);
    const counted = read.value.error_counts.filter(([, n]) => n > 0);
    expect(counted).toEqual([
      [at("2022-01-06T00:40:00Z"), 1],
      [at("2022-01-06T00:50:00Z"), 1],
    ]);
    expect(read.value.top_messages.map((m) => m.message)).toEqual([
      '169.254.0.1 - - [11/Apr/2022:16:29:47 +0000] "GET / HTTP/1.1" 200 117 0.0027',
      "I, [2022-04-11T16:29:47.400621 #14] INFO -- : Index page hit",
    ]);
  });

  it("asks for gzip and reads a recording served gzip-compressed", async () => {
    serve("/api/v1/query", "v1-query-system-cpu-idle");

    const read = await source.queryMetrics(query("system.cpu.idle"), scope, DAY_2021, live());

    expect(fake.requests[0]?.headers["accept-encoding"]).toMatch(/gzip/);
    expect(read.value[0]?.points).toHaveLength(288);
  });
});
