import { describe, expect, it } from "vitest";
import { integrationMetric, integrationMetrics } from "./integration-catalog.js";

describe("the integration metric catalog", () => {
  it("holds the published metadata of thousands of integration metrics", () => {
    expect(integrationMetrics().size).toBeGreaterThan(5000);
  });

  it("gives type, unit, per-unit and which way is bad, as integrations-core publishes them", () => {
    expect(integrationMetric("redis.keys.evicted")).toMatchObject({ integration: "redisdb" });
    expect(integrationMetric("postgresql.connections")).toMatchObject({
      integration: "postgres",
      type: "gauge",
    });
    const latency = integrationMetric("redis.mem.maxmemory");
    expect(latency?.unit).toBe("byte");
    expect(integrationMetric("no.such.metric")).toBeUndefined();
  });

  it("maps unit spellings outside Datadog's list onto it", () => {
    const units = new Set([...integrationMetrics().values()].flatMap((m) => [m.unit, m.per_unit]));
    for (const bad of ["bytes", "secs", "sec", "kilobytes", "requests"]) expect(units.has(bad)).toBe(false);
  });
});
