import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeDatadog, type FakeDatadog } from "./fake-datadog.js";
import { parseMetricQuery } from "./metric-query.js";

const ANCHOR = Date.UTC(2025, 0, 15, 12, 0, 0);
const FROM = (ANCHOR - 3_600_000) / 1000;
const TO = ANCHOR / 1000;

describe("fake Datadog", () => {
  let fake: FakeDatadog;
  const get = (path: string, keys = { api: "fake-dd-api-key", app: "fake-dd-app-key" }) =>
    fetch(`${fake.url}${path}`, { headers: { "DD-API-KEY": keys.api, "DD-APPLICATION-KEY": keys.app } });

  beforeAll(async () => {
    fake = await startFakeDatadog({ anchor: () => ANCHOR });
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
});
