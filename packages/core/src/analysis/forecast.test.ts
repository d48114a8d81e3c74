import { describe, expect, it } from "vitest";
import type { ScenarioInput } from "../scenario/scenario-schema.js";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";

type Series = ScenarioInput["series"][number];

function analyse(series: Series[], window = "24h") {
  const { evidence, plan } = scenarioEvidence({
    id: "forecast",
    service: "svc",
    question: "predict scaling needs",
    window,
    seed: 5,
    series,
  });
  return analyzeEvidence({ evidence, plan });
}

describe("forecasts of bounded resources", () => {
  it("project a filling disk to its critical threshold and to full, with the finding's numbers", () => {
    const analysis = analyse([
      {
        metric: "system.disk.in_use",
        baseline: 0.6,
        noise: 0.002,
        max: 1,
        incidents: [{ type: "ramp", start: "-24h", to: 0.8 }],
      },
    ]);
    const disk = analysis.forecasts?.find((f) => f.metric === "system.disk.in_use");
    const finding = analysis.findings.find((f) => f.metric === "system.disk.in_use");
    expect(disk).toMatchObject({ resource: "disk", threshold_used: 0.95 });
    expect(disk?.trend_pp_per_hour).toBeGreaterThan(0.5);
    expect(disk?.hours_to_threshold).toBeGreaterThan(0);
    expect(disk?.hours_to_full).toBeGreaterThan(disk?.hours_to_threshold ?? Number.POSITIVE_INFINITY);
    expect(disk?.finding).toBe(finding?.id);
    expect(disk?.hours_to_full).toBe(finding?.evidence.projected_full_h);
  });

  it("expect nothing of a steady resource: no trend, no time to exhaustion", () => {
    const analysis = analyse([{ metric: "system.cpu.user", baseline: 35, noise: 0.05, max: 100 }]);
    const cpu = analysis.forecasts?.find((f) => f.metric === "system.cpu.user");
    expect(cpu).toMatchObject({ resource: "CPU", horizon_h: 24 });
    expect(cpu?.used_now).toBeCloseTo(0.35, 1);
    expect(cpu?.trend_pp_per_hour).toBeUndefined();
    expect(cpu?.hours_to_threshold).toBeUndefined();
  });

  it("repeat a leak's projection and rate instead of computing others", () => {
    const analysis = analyse([
      {
        metric: "system.mem.pct_usable",
        baseline: 0.58,
        noise: 0.01,
        max: 1,
        incidents: [{ type: "leak", start: "-10h", to: 0.06 }],
      },
    ]);
    const leak = analysis.findings.find((f) => f.category === "memory_leak");
    const memory = analysis.forecasts?.find((f) => f.metric === "system.mem.pct_usable");
    expect(leak).toBeDefined();
    expect(memory).toMatchObject({ finding: leak?.id, low_is_bad: true });
    expect(memory?.hours_to_full).toBe(leak?.evidence.projected_exhaustion_h);
    expect(memory?.trend_pp_per_hour).toBeCloseTo(-Number(leak?.evidence.growth_per_hour) * 100, 1);
  });

  it("are made only for bounded resources", () => {
    const analysis = analyse([
      { metric: "trace.http.request.duration.by.service.95p", baseline: 0.2, noise: 0.05 },
      { metric: "jvm.heap_memory", baseline: 1e9, noise: 0.02 },
    ]);
    expect(analysis.forecasts).toEqual([]);
  });
});
