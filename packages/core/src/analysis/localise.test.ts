import { describe, expect, it } from "vitest";
import type { Series } from "../evidence.js";
import { localise } from "./localise.js";

const T0 = Date.UTC(2025, 2, 3, 13, 0);
const MIN = 60_000;
const window = { start: T0, end: T0 + 60 * MIN };
const changeAt = T0 + 30 * MIN;

/** `before: null`: the group reported no points before the change (it did not exist yet). */
function grouped(key: string, value: string, before: number | null, after: number): Series {
  const points = Array.from({ length: 60 }, (_, i): [number, number | null] => [
    T0 + i * MIN,
    i < 30 ? before : after,
  ]);
  return {
    metric: "trace.http.request.errors",
    query: "q",
    group: [`${key}:${value}`],
    points,
    interval_s: 60,
  };
}

describe("localising a change to where it happens", () => {
  it("names the endpoint that carries most of a rise in errors", () => {
    const found = localise({
      key: "resource_name",
      metric: "trace.http.request.errors",
      series: [
        grouped("resource_name", "POST /charge", 1, 48),
        grouped("resource_name", "GET /cart", 2, 4),
        grouped("resource_name", "GET /health", 0, 0),
      ],
      window,
      changeAt,
      additive: true,
      subject: "errors",
    });
    expect(found?.verdict).toBe("concentrated");
    expect(found?.culprit?.value).toBe("POST /charge");
    expect(found?.statement).toMatch(/^96% of the rise in errors is on resource_name POST \/charge/);
  });

  it("names a version that appeared only with the change", () => {
    const found = localise({
      key: "version",
      metric: "trace.http.request.errors",
      series: [grouped("version", "v2.13.2", 2, 1), grouped("version", "v2.14.0", null, 40)],
      window,
      changeAt,
      additive: true,
      subject: "errors",
    });
    expect(found).toMatchObject({ verdict: "new_group", culprit: { value: "v2.14.0" } });
  });

  it("finds one host far from its peers for a level such as latency", () => {
    const hosts = ["web-1", "web-2", "web-3", "web-4"].map((h) =>
      grouped("host", h, 0.2, h === "web-3" ? 0.9 : 0.21),
    );
    const found = localise({
      key: "host",
      metric: "p95",
      series: hosts,
      window,
      changeAt,
      additive: false,
      subject: "p95 latency",
      unit: "second",
    });
    expect(found).toMatchObject({ verdict: "outlier", culprit: { value: "web-3" } });
    expect(found?.statement).toMatch(/host web-3 stands out: p95 latency 900 ms there/);
  });

  it("says when a change is spread and caps many groups into others", () => {
    const many = Array.from({ length: 20 }, (_, i) => grouped("host", `h-${i}`, 1, 3));
    const found = localise({
      key: "host",
      metric: "m",
      series: many,
      window,
      changeAt,
      additive: true,
      subject: "errors",
    });
    expect(found?.verdict).toBe("spread");
    expect(found?.groups).toHaveLength(9);
    expect(found?.groups.at(-1)?.value).toBe("others (12)");
  });

  it("compares the groups' levels over the window when no change is known", () => {
    const found = localise({
      key: "resource_name",
      metric: "trace.http.request.duration.by.service.95p",
      series: [
        grouped("resource_name", "GET /search", 1.8, 1.8),
        grouped("resource_name", "GET /cart", 0.1, 0.1),
        grouped("resource_name", "POST /login", 0.12, 0.12),
      ],
      window,
      additive: false,
      subject: "latency",
      unit: "second",
    });
    expect(found).toMatchObject({ verdict: "outlier", culprit: { value: "GET /search", isNew: false } });
  });

  it("names the dependency whose latency rose when the service's did", () => {
    const deps = ["payments-db", "redis-cache", "auth-api"].map((d) =>
      grouped("peer.service", d, 0.05, d === "payments-db" ? 0.4 : 0.05),
    );
    const found = localise({
      key: "peer.service",
      metric: "trace.http.request.duration",
      series: deps,
      window,
      changeAt,
      additive: false,
      subject: "latency",
      unit: "second",
    });
    expect(found).toMatchObject({ verdict: "outlier", culprit: { value: "payments-db" } });
  });

  it("needs two groups to compare", () => {
    expect(
      localise({
        key: "host",
        metric: "m",
        series: [grouped("host", "a", 1, 9)],
        window,
        changeAt,
        additive: true,
        subject: "errors",
      }),
    ).toBeUndefined();
  });
});
