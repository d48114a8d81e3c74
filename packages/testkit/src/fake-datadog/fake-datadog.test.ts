import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { demoScenarioFor, parseScenario } from "@orch/core";
import { startFakeDatadog, type FakeDatadog } from "./fake-datadog.js";
import { parseMetricQuery } from "./metric-query.js";

const ANCHOR = Date.UTC(2025, 0, 15, 12, 0, 0);
const FROM = (ANCHOR - 3_600_000) / 1000;
const TO = ANCHOR / 1000;

/** A service with a distribution given as percentiles, a daily cycle, and a monitor named only by its query. */
const shapes = parseScenario({
  id: "shapes",
  service: "shapes",
  question: "?",
  window: "1h",
  series: [
    { metric: "http.server.duration", baseline: 0.2, noise: 0, percentile: "p50", unit: "second" },
    { metric: "http.server.duration", baseline: 1.5, noise: 0, percentile: "p99", unit: "second" },
    { metric: "jobs_done", baseline: 100, noise: 0, seasonality: { amplitude: 0.5, peak_hour: 12 } },
    {
      metric: "web.hits",
      baseline: 2.5,
      noise: 0,
      unit: "hit",
      per_unit: "second",
      metric_type: "rate",
    },
  ],
  monitors: [
    { name: "tagged", state: "OK", query: "avg(last_5m):avg:jobs_done{service:shapes} < 1" },
    {
      name: "by query only",
      state: "Alert",
      query: "avg(last_5m):avg:jobs_done{service:shapes,env:prod} < 1",
      service_tag: false,
    },
  ],
  logs: { errors_per_minute: 20 },
});

describe("fake Datadog", () => {
  let fake: FakeDatadog;
  const get = (path: string, keys = { api: "fake-dd-api-key", app: "fake-dd-app-key" }) =>
    fetch(`${fake.url}${path}`, { headers: { "DD-API-KEY": keys.api, "DD-APPLICATION-KEY": keys.app } });

  beforeAll(async () => {
    fake = await startFakeDatadog({
      anchor: () => ANCHOR,
      now: () => ANCHOR,
      scenarios: (service) => (service === "shapes" ? shapes : demoScenarioFor(service)),
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it("parses aggregator, metric, tags, group-by and .as_count()", () => {
    expect(
      parseMetricQuery("sum:trace.http.request.errors{service:a,env:prod} by {host}.as_count()"),
    ).toEqual({
      aggregator: "sum",
      metric: "trace.http.request.errors",
      tags: ["service:a", "env:prod"],
      by: ["host"],
      asCount: true,
      shiftS: 0,
    });
    expect(parseMetricQuery("system.cpu.user")).toBeUndefined();
  });

  it("answers /api/v1/query in Datadog's snake_case wire format", async () => {
    const query = encodeURIComponent("avg:system.cpu.user{service:web-app}");
    const response = await get(`/api/v1/query?from=${FROM}&to=${TO}&query=${query}`);
    const body = (await response.json()) as Record<string, unknown> & {
      series: Array<Record<string, unknown>>;
    };

    expect(response.status).toBe(200);
    expect(body).toMatchObject({
      status: "ok",
      res_type: "time_series",
      from_date: FROM * 1000,
      to_date: TO * 1000,
    });
    const series = body.series[0]!;
    expect(Object.keys(series)).toEqual(
      expect.arrayContaining([
        "metric",
        "display_name",
        "pointlist",
        "scope",
        "expression",
        "tag_set",
        "interval",
        "start",
        "end",
        "length",
        "aggr",
        "unit",
      ]),
    );
    expect(series).toMatchObject({
      metric: "system.cpu.user",
      scope: "service:web-app",
      interval: 20,
      aggr: "avg",
      length: 181,
    });
  });

  it("answers several comma-separated queries in one request, each series naming its query_index", async () => {
    const queries = [
      "sum:trace.http.request.errors{service:api-gateway}.as_count()",
      "day_before(avg:system.cpu.user{service:api-gateway})",
      "max:system.cpu.user{service:api-gateway,env:prod}",
    ];
    const q = encodeURIComponent(queries.join(","));

    const body = (await (await get(`/api/v1/query?from=${FROM}&to=${TO}&query=${q}`)).json()) as {
      series: Array<{ query_index: number; expression: string }>;
    };

    expect(new Set(body.series.map((s) => s.query_index))).toEqual(new Set([0, 1, 2]));
    expect(body.series.find((s) => s.query_index === 1)?.expression).toMatch(
      /^day_before\(avg:system\.cpu\.user/,
    );
    expect(body.series.find((s) => s.query_index === 2)?.expression).toContain("env:prod");
    const bad = await get(
      `/api/v1/query?from=${FROM}&to=${TO}&query=${q}${encodeURIComponent(",not a query")}`,
    );
    expect(bad.status).toBe(400);
  });

  it("multiplies a RATE metric by the interval for .as_count(), as Datadog does, and leaves it per second without", async () => {
    const read = async (query: string) => {
      const body = (await (
        await get(`/api/v1/query?from=${FROM}&to=${TO}&query=${encodeURIComponent(query)}`)
      ).json()) as {
        series: Array<{ interval: number; pointlist: Array<[number, number]>; unit: unknown[] | null }>;
      };
      return body.series[0]!;
    };
    const counted = await read("sum:web.hits{service:shapes}.as_count()");
    const rate = await read("sum:web.hits{service:shapes}");
    expect(rate.pointlist[0]![1]).toBeCloseTo(2.5);
    expect(counted.pointlist[0]![1]).toBeCloseTo(2.5 * counted.interval);
    expect(counted.unit?.[1] ?? null).toBeNull();
  });

  it("refuses wrong keys with 403 Forbidden and never records keys", async () => {
    const response = await get("/api/v1/metrics?from=0", { api: "nope", app: "nope" });

    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ errors: ["Forbidden"] });
    expect(JSON.stringify(fake.requests)).not.toContain("nope");
  });

  it("injects a 429 with Datadog's rate-limit headers, for the matching path and count only", async () => {
    fake.inject({ kind: "rate_limit", reset_s: 7, path: "/api/v1/query", times: 2 });

    const other = await get("/api/v1/metrics?from=0");
    const limited = [
      await get(`/api/v1/query?from=${FROM}&to=${TO}&query=x`),
      await get(`/api/v1/query?from=${FROM}&to=${TO}&query=x`),
    ];
    const after = await get(`/api/v1/query?from=${FROM}&to=${TO}&query=x`);

    expect(other.status).toBe(200);
    expect(limited.map((r) => r.status)).toEqual([429, 429]);
    expect(limited[0]!.headers.get("x-ratelimit-reset")).toBe("7");
    expect(limited[0]!.headers.get("x-ratelimit-limit")).toBe("100");
    expect(limited[0]!.headers.get("x-ratelimit-period")).toBe("10");
    expect(limited[0]!.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(after.status).toBe(400);
    expect(fake.count("/api/v1/query")).toBe(3);
    expect(fake.count()).toBe(4);
  });

  it("sends only Retry-After when a 429 is given retry_after_s alone, as a proxy would", async () => {
    fake.inject({ kind: "rate_limit", retry_after_s: 3 });

    const limited = await get("/api/v1/metrics?from=0");

    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(limited.headers.get("x-ratelimit-reset")).toBeNull();
  });

  it("answers with a given body to imitate another implementation's wire format", async () => {
    fake.inject({ kind: "respond", path: "/api/v1/monitor", body: [{ id: 1, name: "bare" }] });

    const answered = await get("/api/v1/monitor?monitor_tags=service:web-app");
    const normal = await get("/api/v1/monitor?monitor_tags=service:api-gateway");

    expect(await answered.json()).toEqual([{ id: 1, name: "bare" }]);
    expect(((await normal.json()) as unknown[]).length).toBeGreaterThan(0);
  });

  it("reads a tag_filter written as an AND expression", async () => {
    const filter = encodeURIComponent("service:web-app AND env:prod");

    const response = await get(`/api/v1/metrics?from=${FROM}&tag_filter=${filter}`);

    expect(((await response.json()) as { metrics: string[] }).metrics).toContain("system.cpu.user");
  });

  const json = async <T>(path: string, init?: RequestInit) => {
    const response = await fetch(`${fake.url}${path}`, {
      ...init,
      headers: {
        "DD-API-KEY": fake.apiKey,
        "DD-APPLICATION-KEY": fake.appKey,
        "content-type": "application/json",
      },
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  type QueryBody = {
    series: Array<{ pointlist: Array<[number, number]>; unit: unknown; aggr: string | null }>;
  };
  const query = (q: string) =>
    json<QueryBody>(`/api/v1/query?from=${FROM}&to=${TO}&query=${encodeURIComponent(q)}`);

  it("answers p50: and p99: queries with the percentile series of a distribution", async () => {
    const p99 = await query("p99:http.server.duration{service:shapes}");
    const p50 = await query("p50:http.server.duration{service:shapes}");
    const avg = await query("avg:http.server.duration{service:shapes}");

    expect(p99.body.series[0]?.pointlist[0]?.[1]).toBeCloseTo(1.5);
    expect(p99.body.series[0]).toMatchObject({
      aggr: "p99",
      unit: [{ name: "second", family: "time" }, null],
    });
    expect(p50.body.series[0]?.pointlist[0]?.[1]).toBeCloseTo(0.2);
    // Without a percentile, a distribution given only as percentiles reads as its median.
    expect(avg.body.series[0]?.pointlist[0]?.[1]).toBeCloseTo(0.2);
  });

  it("answers timeshifted queries at the window's timestamps with the values from before", async () => {
    const now = await query("avg:jobs_done{service:shapes}");
    const dayBefore = await query("day_before(avg:jobs_done{service:shapes})");
    const hourBefore = await query("hour_before(avg:jobs_done{service:shapes})");
    const shifted = await query("timeshift(avg:jobs_done{service:shapes}, -3600)");
    const earlier = await json<QueryBody>(
      `/api/v1/query?from=${FROM - 3600}&to=${TO - 3600}&query=${encodeURIComponent("avg:jobs_done{service:shapes}")}`,
    );

    const times = (b: QueryBody) => b.series[0]?.pointlist.map(([t]) => t);
    const values = (b: QueryBody) => b.series[0]?.pointlist.map(([, v]) => v);
    expect(times(dayBefore.body)).toEqual(times(now.body));
    // A pure daily cycle without noise: a day before reads the same.
    expect(values(dayBefore.body)).toEqual(values(now.body));
    expect(values(hourBefore.body)).toEqual(values(earlier.body));
    expect(values(shifted.body)).toEqual(values(earlier.body));
    expect(values(hourBefore.body)).not.toEqual(values(now.body));
  });

  it("serves metric metadata for the metrics of the services it was asked about, 404 otherwise", async () => {
    await query("avg:jobs_done{service:shapes}");

    const known = await json<Record<string, unknown>>("/api/v1/metrics/http.server.duration");
    const unknown = await json<{ errors: string[] }>("/api/v1/metrics/nobody.reports.this");

    expect(known).toEqual({
      status: 200,
      body: expect.objectContaining({ type: null, unit: null }) as unknown,
    });
    expect(unknown).toEqual({ status: 404, body: { errors: ["metric_name not found"] } });
  });

  it("lists monitors by their own tags, by their query's scope, and by name", async () => {
    type Listed = Array<{ name: string; state?: unknown }>;
    const names = (b: Listed) => b.map((m) => m.name);

    const byTags = await json<Listed>("/api/v1/monitor?monitor_tags=service:shapes");
    const byQuery = await json<Listed>("/api/v1/monitor?tags=service:shapes,env:prod&group_states=all");
    const byName = await json<Listed>("/api/v1/monitor?tags=service:shapes&name=QUERY");
    const search = await json<{ monitors: Listed }>(
      `/api/v1/monitor/search?query=${encodeURIComponent("scope:service:shapes status:alert")}`,
    );

    expect(names(byTags.body)).toEqual(["tagged"]);
    expect(names(byQuery.body)).toEqual(["by query only"]);
    expect(byQuery.body[0]?.state).toBeDefined();
    expect(byTags.body[0]?.state).toBeUndefined();
    expect(names(byName.body)).toEqual(["by query only"]);
    expect(names(search.body.monitors)).toEqual(["by query only"]);
  });

  it("searches monitors with AND, OR, NOT and parentheses, across the services a query names", async () => {
    type Found = { monitors: Array<{ name: string }>; metadata: { total_count: number } };
    const search = (query: string) =>
      json<Found>(`/api/v1/monitor/search?query=${encodeURIComponent(query)}&per_page=100`);
    const names = (r: { body: Found }) => r.body.monitors.map((m) => m.name).sort();

    const either = await search('(tag:"service:shapes") OR (scope:"service:shapes")');
    const withEnv = await search(
      '(tag:"service:shapes" AND tag:"env:prod") OR (scope:"service:shapes" AND scope:"env:prod")',
    );
    const tagsOnly = await search('tag:"service:shapes"');
    const notAlerting = await search('scope:"service:shapes" NOT status:Alert');
    const statuses = await search("scope:service:shapes status:(Alert OR Warn)");
    const twoServices = await search('tag:"service:shapes" OR tag:"service:api-gateway"');
    const broken = await search('(tag:"service:shapes"');

    expect(names(either)).toEqual(["by query only", "tagged"]);
    expect(names(withEnv)).toEqual(["by query only"]);
    expect(names(tagsOnly)).toEqual(["tagged"]);
    expect(names(notAlerting)).toEqual(["tagged"]);
    expect(names(statuses)).toEqual(["by query only"]);
    expect(names(twoServices)).toEqual(expect.arrayContaining(["tagged", "api-gateway 5xx error rate"]));
    expect(broken.status).toBe(400);
  });

  it("pages error logs with opaque cursors, and refuses a cursor it did not hand out", async () => {
    type Page = { data: Array<{ id: string }>; meta: { page?: { after: string } } };
    const search = (cursor?: string) =>
      json<Page>("/api/v2/logs/events/search", {
        method: "POST",
        body: JSON.stringify({
          filter: {
            from: String(ANCHOR - 600_000),
            to: String(ANCHOR),
            query: "service:shapes status:error",
          },
          page: { limit: 50, ...(cursor ? { cursor } : {}) },
        }),
      });

    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search(cursor);
      ids.push(...page.body.data.map((l) => l.id));
      cursor = page.body.meta.page?.after;
      expect(cursor === undefined || !/^\d+$/.test(cursor)).toBe(true);
    } while (cursor);
    const bad = await search(Buffer.from(JSON.stringify({ after: "nope" })).toString("base64url"));

    expect(ids.length).toBeGreaterThan(100);
    expect(new Set(ids).size).toBe(ids.length);
    expect(bad.status).toBe(400);
  });

  it("injects a 429 whose limit resets an hour away, as Datadog's metrics listing does", async () => {
    fake.inject({ kind: "rate_limit", reset_s: 3600, period_s: 3600, path: "/api/v1/metrics" });

    const limited = await get("/api/v1/metrics?from=0");

    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-reset")).toBe("3600");
    expect(limited.headers.get("x-ratelimit-period")).toBe("3600");
  });
});
