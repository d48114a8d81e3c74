import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseScenario } from "@orch/core";
import {
  datadogRecording,
  jsonShape,
  shapeProblems,
  startFakeDatadog,
  type FakeDatadog,
  type RecordingName,
  type ShapeOptions,
} from "@orch/testkit";

/**
 * The fake Datadog answers in the shape the real API does: for every endpoint we read, its body
 * has the keys and value types of the real responses recorded in Datadog's own API client
 * cassettes (packages/testkit/fixtures/datadog-recordings) — no key the recordings lack, none
 * they always have missing, a null only where they show one. Arrays may differ in length.
 */

const ANCHOR = Date.UTC(2025, 2, 3, 12, 0, 0);
const FROM = (ANCHOR - 3_600_000) / 1000;
const TO = ANCHOR / 1000;

const contract = parseScenario({
  id: "contract",
  service: "contract",
  question: "How is it?",
  series: [
    { metric: "system.cpu.idle", baseline: 90, max: 100, unit: "percent", metric_type: "gauge" },
    { metric: "http_requests_total", baseline: 50, cumulative: true },
    { metric: "kafka.consumer.lag", baseline: 20, metric_type: "gauge" },
  ],
  monitors: [
    { name: "cpu idle low", state: "OK", query: "avg(last_5m):avg:system.cpu.idle{service:contract} < 10" },
    {
      name: "requests dropped",
      state: "Alert",
      type: "metric alert",
      query: "sum(last_5m):sum:http_requests_total{service:contract}.as_count() < 1",
      service_tag: false,
      state_since: "-400d",
    },
  ],
  events: [
    { title: "Deployed contract v2", at: "-20m", type: "deploy" },
    { title: "Weekly report", at: "-10m" },
  ],
  logs: { errors_per_minute: 30, messages: [{ message: "upstream timed out" }] },
});

describe("the fake Datadog answers in the shape of real recorded Datadog responses", () => {
  let fake: FakeDatadog;

  beforeAll(async () => {
    fake = await startFakeDatadog({ anchor: () => ANCHOR, now: () => ANCHOR, scenarios: () => contract });
  });
  afterAll(() => fake.close());

  const call = async (path: string, body?: unknown) => {
    const response = await fetch(`${fake.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        "DD-API-KEY": fake.apiKey,
        "DD-APPLICATION-KEY": fake.appKey,
        "content-type": "application/json",
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as unknown };
  };

  /** Where the fake's body departs from the merged shape of the recorded bodies. */
  const departures = (body: unknown, names: readonly RecordingName[], options?: ShapeOptions) =>
    shapeProblems(body, jsonShape(names.map((n) => datadogRecording(n).body)), options);

  it("GET /api/v1/query: unit pairs, aggr, float timestamps, times and values", async () => {
    const names: RecordingName[] = ["v1-query-system-cpu-idle", "v1-query-dotless-metric-by-host"];
    const withUnit = await call(
      `/api/v1/query?from=${FROM}&to=${TO}&query=system.cpu.idle%7Bservice:contract%7D`,
    );
    const dotless = await call(
      `/api/v1/query?from=${FROM}&to=${TO}&query=avg:http_requests_total%7Bservice:contract%7D`,
    );

    expect(departures(withUnit.body, names)).toEqual([]);
    expect(departures(dotless.body, names)).toEqual([]);
    const [unitSeries] = (withUnit.body as { series: Array<Record<string, unknown>> }).series;
    expect(unitSeries).toMatchObject({ aggr: null, unit: [{ name: "percent", family: "percentage" }, null] });
    expect((dotless.body as { series: Array<{ unit: unknown }> }).series[0]?.unit).toBeNull();
    // Timestamps are written as floats, as in the recording: 1623846300000.0.
    expect(withUnit.text).toMatch(/"pointlist":\[\[\d{13}\.0,/);
  });

  it("GET /api/v1/metrics: the active metrics", async () => {
    const list = await call(`/api/v1/metrics?from=${FROM}&tag_filter=service:contract`);

    expect(departures(list.body, ["v1-metrics-active"])).toEqual([]);
    expect((list.body as { metrics: string[] }).metrics).toContain("http_requests_total");
  });

  it("GET /api/v1/metrics/{metric_name}: metadata, all null without it, 404 for an unknown metric", async () => {
    const names: RecordingName[] = ["v1-metric-metadata-set", "v1-metric-metadata-unset"];
    const set = await call("/api/v1/metrics/system.cpu.idle");
    const unset = await call("/api/v1/metrics/http_requests_total");
    const unknown = await call("/api/v1/metrics/nobody.reports.this");

    expect(departures(set.body, names)).toEqual([]);
    expect(departures(unset.body, names)).toEqual([]);
    expect(set.body).toMatchObject({ type: "gauge", unit: "percent", per_unit: null });
    expect(Object.values(unset.body as object).every((v) => v === null)).toBe(true);
    expect(unknown.status).toBe(datadogRecording("v1-metric-metadata-not-found").status);
    expect(departures(unknown.body, ["v1-metric-metadata-not-found"])).toEqual([]);
  });

  it("GET /api/v1/monitor: monitors as listed, found by their query's scope as well as their tags", async () => {
    // A listed page, and a monitor object as Datadog answers its creation (one monitor of a list).
    const listed = jsonShape([
      datadogRecording("v1-monitor-list-page").body,
      [datadogRecording("v1-monitor-created").body],
    ]);
    const byTags = await call("/api/v1/monitor?monitor_tags=service:contract");
    const byQuery = await call("/api/v1/monitor?tags=service:contract");

    expect(shapeProblems(byTags.body, listed)).toEqual([]);
    expect(shapeProblems(byQuery.body, listed)).toEqual([]);
    expect((byTags.body as Array<{ name: string }>).map((m) => m.name)).toEqual(["cpu idle low"]);
    expect((byQuery.body as Array<{ name: string }>).map((m) => m.name)).toEqual([
      "cpu idle low",
      "requests dropped",
    ]);
  });

  it("GET /api/v1/monitor/search: results, facet counts and paging metadata", async () => {
    const search = await call(`/api/v1/monitor/search?query=${encodeURIComponent("scope:service:contract")}`);

    expect(departures(search.body, ["v1-monitor-search"])).toEqual([]);
    expect((search.body as { metadata: { total_count: number } }).metadata.total_count).toBe(2);
  });

  it("GET /api/v1/events: `source`, and int64 ids as bare numbers without id_str", async () => {
    const events = await call(`/api/v1/events?start=${FROM}&end=${TO}&tags=service:contract`);

    expect(departures(events.body, ["v1-events-list"])).toEqual([]);
    expect(events.text).toMatch(/"id":\d{19}\}/);
    expect(events.text).not.toContain("id_str");
  });

  it("POST /api/v2/logs/analytics/aggregate: count points with ISO times", async () => {
    const aggregate = await call("/api/v2/logs/analytics/aggregate", {
      compute: [{ aggregation: "count", type: "timeseries", interval: "5m" }],
      filter: { from: String(FROM * 1000), to: String(TO * 1000), query: "service:contract status:error" },
    });

    expect(departures(aggregate.body, ["v2-logs-aggregate-timeseries"])).toEqual([]);
  });

  it("POST /api/v2/logs/events/search: a page with an opaque cursor and the next link", async () => {
    const page = await call("/api/v2/logs/events/search", {
      filter: { from: String(FROM * 1000), to: String(TO * 1000), query: "service:contract status:error" },
      page: { limit: 2 },
    });

    // The inner `attributes` are the log's own, user-defined.
    expect(
      departures(page.body, ["v2-logs-search-page"], { freeForm: ["data[].attributes.attributes"] }),
    ).toEqual([]);
    const after = (page.body as { meta: { page: { after: string } } }).meta.page.after;
    expect(after).toMatch(/^eyJhZnRlciI6/);
  });

  it("compresses its answers with gzip when the client accepts it", async () => {
    const path = `/api/v1/metrics?from=${FROM}&tag_filter=service:contract`;
    const headers = { "DD-API-KEY": fake.apiKey, "DD-APPLICATION-KEY": fake.appKey };
    // node:http does not inflate: the bytes as sent.
    const raw = (accept?: string) =>
      new Promise<{ encoding?: string; bytes: Buffer }>((resolve, reject) => {
        const req = request(`${fake.url}${path}`, {
          headers: { ...headers, ...(accept ? { "accept-encoding": accept } : {}) },
        });
        req.on("response", (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              ...(res.headers["content-encoding"] ? { encoding: res.headers["content-encoding"] } : {}),
              bytes: Buffer.concat(chunks),
            }),
          );
        });
        req.on("error", reject).end();
      });

    const gzipped = await raw("gzip, deflate");
    const plain = await raw();

    expect(gzipped.encoding).toBe("gzip");
    expect(JSON.parse(gunzipSync(gzipped.bytes).toString("utf8"))).toEqual(
      JSON.parse(plain.bytes.toString("utf8")),
    );
    expect(plain.encoding).toBeUndefined();
  });
});
