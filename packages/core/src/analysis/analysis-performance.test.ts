import { describe, expect, it } from "vitest";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";
import { webSeries } from "../../test/support/scenario-sweep.js";

describe("analysis performance", () => {
  it("analyses 100 series of 1,440 points", () => {
    const base = webSeries(0.1, 0.3, 15);
    const series = Array.from({ length: 100 }, (_, i) => ({
      ...(base[i % base.length] ?? base[0]!),
      group: [`host:web-${i}`],
    }));
    series[7] = { ...series[7]!, incidents: [{ type: "burst", start: "-3h", factor: 10 }] };
    const { evidence, plan } = scenarioEvidence({
      id: "perf",
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
    const durations: number[] = [];
    let findings = 0;
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      findings = analyzeEvidence({ evidence, plan }).findings.length;
      durations.push(performance.now() - t0);
    }
    console.log(
      `100 series × ${points[0]} points: ${durations.map((d) => `${Math.round(d)} ms`).join(", ")} (first run includes JIT warm-up)`,
    );
    expect(findings).toBeGreaterThanOrEqual(1);
  });
});
