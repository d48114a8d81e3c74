import { describe, expect, it } from "vitest";
import { classifyMetric } from "../metric-catalog.js";
import { counterShape } from "./counters.js";

const start = Date.UTC(2025, 2, 3, 12, 0);
const steps = [148, 156, 139, 161, 152, 144, 158, 150];

/** A running total read every 20 s for 2 h, adding about 150 a point, from 10.27M. */
function total(metric: string, fallAt?: number, fall = 700) {
  let v = 10_273_516;
  const points = Array.from({ length: 360 }, (_, i): [number, number] => {
    v += (steps[i % steps.length] ?? 150) - (i === fallAt ? fall : 0);
    return [start + i * 20_000, v];
  });
  return { metric, query: "q", group: [], points, interval_s: 20 };
}

describe("a running total", () => {
  it("is a counter", () => {
    expect(counterShape(total("http_server_requests_total"), undefined)).toEqual({ resets: [] });
  });

  it("summed over pods, is still a counter when a rollout swapping them makes the sum fall a little once", () => {
    expect(counterShape(total("http_server_requests_total", 222), undefined)).toBeDefined();
  });

  it("without a name that says total, is no counter once it falls without restarting", () => {
    expect(counterShape(total("http.server.requests", 222), undefined)).toBeUndefined();
  });

  it("that falls again and again is a level that wanders, whatever its name", () => {
    const wandering = total("http_server_requests_total");
    const points = wandering.points.map(([t, v], i): [number, number] => [t, i % 9 === 0 ? v - 900 : v]);
    expect(counterShape({ ...wandering, points }, undefined)).toBeUndefined();
  });
});

describe("a series that only looks like a running total", () => {
  /** A level read every 20 s: `level` until `dropAt`, then `after`. */
  function level(metric: string, value: number, dropAt: number, after: number) {
    const points = Array.from({ length: 360 }, (_, i): [number, number] => [
      start + i * 20_000,
      i < dropAt ? value : after,
    ]);
    return { metric, query: "q", group: [], points, interval_s: 20 };
  }

  it("is no counter when a gauge named _count stands still, then falls to zero (consumers gone)", () => {
    expect(counterShape(level("activemq.queue.consumer_count", 8, 300, 0), undefined)).toBeUndefined();
  });

  it("still is a counter when its name says total and it stands still", () => {
    expect(counterShape(level("jobs_failed_total", 42, 360, 42), undefined)).toBeDefined();
  });

  it("is no counter when Datadog's metadata says count or rate: the points are increments already", () => {
    // Rare events per interval: 0, 1, 0, … — each fall to 0 would read as a restart.
    const rare = {
      metric: "airflow.scheduler.tasks.killed_externally",
      query: "q",
      group: [],
      interval_s: 1200,
      points: Array.from({ length: 500 }, (_, i): [number, number] => [
        start + i * 1_200_000,
        i % 23 === 0 ? 1 : 0,
      ]),
    };
    const profile = classifyMetric(rare.metric, { type: "count" });
    expect(profile?.type).toBe("count");
    expect(counterShape(rare, profile)).toBeUndefined();
    const healthcheck = level("coredns.forward_healthcheck_failure_count", 0, 100, 30);
    expect(counterShape(healthcheck, classifyMetric(healthcheck.metric, { type: "count" }))).toBeUndefined();
  });
});
