import { describe, expect, it } from "vitest";
import { integrationSweep, sweepMetrics } from "./integration-sweep.js";

describe("the analyst on integrations it has no rules for", () => {
  it("covers many integrations", () => {
    const sample = sweepMetrics(12);
    expect(new Set(sample.map((m) => m.integration)).size).toBeGreaterThan(20);
  });

  it("catches a step in the bad direction and leaves a step in the good one alone", async () => {
    const sweep = await integrationSweep(12);
    expect(sweep.metrics).toBeGreaterThan(50);
    // Where an integration's published direction contradicts the metric's own words ("error_rate"
    // said to be better high), the words win: those few show up on both sides of the count.
    expect(sweep.found / sweep.metrics).toBeGreaterThanOrEqual(0.95);
    expect(sweep.unread).toBe(0);
    expect(sweep.falseAlarms.length / sweep.metrics).toBeLessThanOrEqual(0.03);
  }, 120_000);
});
