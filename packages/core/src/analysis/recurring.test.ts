import { describe, expect, it } from "vitest";
import type { ScenarioInput } from "../scenario/scenario-schema.js";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";

type Incident = NonNullable<ScenarioInput["series"][number]["incidents"]>[number];

/** A ten-minute CPU spike to 85 % at the top of each of the given hours before the end. */
const hourly = (hours: number[]): Incident[] =>
  hours.map((h) => ({ type: "spike", start: `-${h * 60}m`, end: `-${h * 60 - 10}m`, to: 85 }));

function cpuFindings(incidents: Incident[], seed = 1) {
  const { evidence, plan } = scenarioEvidence({
    id: "batch",
    service: "svc",
    question: "How is it doing?",
    window: "24h",
    seed,
    series: [{ metric: "system.cpu.user", baseline: 20, noise: 0.05, max: 100, incidents }],
  });
  return analyzeEvidence({ evidence, plan }).findings.filter((f) => f.metric === "system.cpu.user");
}

describe("spikes that recur all window long", () => {
  it("are the workload's rhythm: one context finding, no warning", () => {
    const findings = cpuFindings(hourly(Array.from({ length: 23 }, (_, i) => 23 - i)));

    expect(findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.summary).toMatch(/recurs about every 60 min \(23 times\)/);
  });

  it("are an incident when they only began inside the window", () => {
    const findings = cpuFindings(hourly([4, 3, 2, 1]));

    expect(findings.some((f) => f.severity !== "info" && f.category === "saturation")).toBe(true);
  });
});
