import { describe, expect, it } from "vitest";
import { analyzeEvidence } from "./analyze-evidence.js";
import { SCENARIO_ANCHOR, scenarioEvidence } from "../../test/support/scenario-evidence.js";
import { webSeries } from "../../test/support/scenario-sweep.js";

// Its speed is measured by `npm run bench`, not here: a unit test asserts no wall-clock limit.
describe("the analysis of many long series", () => {
  it("finds the one burst among 100 series of 1,440 points, the same on every run", () => {
    const base = webSeries(0.1, 0.3, 15);
    const series = Array.from({ length: 100 }, (_, i) => ({
      ...(base[i % base.length] ?? base[0]!),
      group: [`host:web-${i}`],
    }));
    series[7] = { ...series[7]!, incidents: [{ type: "burst", start: "-3h", factor: 10 }] };
    const { evidence, plan } = scenarioEvidence({
      id: "many-series",
      service: "svc",
      question: "q",
      window: "24h",
      interval_s: 60,
      seed: 3,
      series,
    });
    const points = evidence.results
      .flatMap((r) => (r.status === "ok" && r.tool === "metrics" ? r.series : []))
      .map((s) => s.points.length);
    expect(points).toHaveLength(100);
    expect(Math.min(...points)).toBeGreaterThanOrEqual(1440);

    const runs = [0, 1, 2].map(() => analyzeEvidence({ evidence, plan }).findings);
    expect(runs[0]!.map((f) => [f.category, f.metric, f.window.start])).toEqual([
      ["errors", "trace.http.request.errors", SCENARIO_ANCHOR - 3 * 3_600_000],
    ]);
    expect(runs[0]![0]!.summary).toContain("{host:web-7}");
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });
});
