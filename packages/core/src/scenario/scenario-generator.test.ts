import { describe, expect, it } from "vitest";
import { generateLogs, seriesValueAt } from "./scenario-generator.js";
import { parseScenario } from "./scenario-schema.js";

const ANCHOR = Date.UTC(2025, 2, 3, 14, 0);
const MIN = 60_000;

const scenario = parseScenario({
  id: "after-the-anchor",
  service: "svc",
  question: "What happened?",
  series: [
    {
      metric: "lasting",
      baseline: 10,
      noise: 0,
      incidents: [{ type: "burst", start: "-30m", end: "0", factor: 5 }],
    },
    { metric: "stepped", baseline: 10, noise: 0, incidents: [{ type: "step", start: "-20m", factor: 2 }] },
    {
      metric: "over",
      baseline: 10,
      noise: 0,
      incidents: [{ type: "burst", start: "-30m", end: "-10m", factor: 5 }],
    },
  ],
  logs: { errors_per_minute: 1, messages: [], bursts: [{ start: "-30m", end: "0", factor: 50 }] },
});
const value = (metric: string, t: number) =>
  seriesValueAt(
    scenario,
    scenario.series.find((s) => s.metric === metric)!,
    ANCHOR,
    t,
  );

describe("an incident that lasts to the anchor", () => {
  it("goes on after the anchor, while one that ended before it stays over", () => {
    expect(value("lasting", ANCHOR - MIN)).toBe(50);
    expect(value("lasting", ANCHOR + 5 * MIN)).toBe(50);
    expect(value("stepped", ANCHOR + 5 * MIN)).toBe(20);
    expect(value("over", ANCHOR - 5 * MIN)).toBe(10);
    expect(value("over", ANCHOR + 5 * MIN)).toBe(10);
  });

  it("keeps its error-log burst going after the anchor too", () => {
    const after = generateLogs(scenario, ANCHOR, ANCHOR, ANCHOR + 10 * MIN, MIN);
    const before = generateLogs(scenario, ANCHOR, ANCHOR - 60 * MIN, ANCHOR - 40 * MIN, MIN);
    expect(after.total_errors / 10).toBeGreaterThan(20);
    expect(before.total_errors / 20).toBeLessThan(5);
  });
});
