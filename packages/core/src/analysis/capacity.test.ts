import { describe, expect, it } from "vitest";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";

function diskFindings(withTotal: boolean) {
  const { evidence, plan } = scenarioEvidence({
    id: "disk",
    service: "svc",
    question: "Will we run out of disk?",
    window: "2d",
    series: [
      {
        metric: "system.disk.used",
        baseline: 400e9,
        noise: 0.001,
        incidents: [{ type: "ramp", start: "-2d", to: 700e9 }],
      },
      ...(withTotal ? [{ metric: "system.disk.total", baseline: 800e9, noise: 0 }] : []),
    ],
  });
  return analyzeEvidence({ evidence, plan }).findings.filter((f) => f.severity !== "info");
}

describe("a disk reported in bytes", () => {
  it("fills up against its total when system.disk.total was read, with a projection", () => {
    const [finding, ...rest] = diskFindings(true);

    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ category: "capacity", metric: "system.disk.used" });
    expect(finding?.evidence.used_pct).toBeGreaterThanOrEqual(85);
  });

  it("still counts as filling up without its total, but projects nothing", () => {
    const [finding, ...rest] = diskFindings(false);

    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ category: "capacity", severity: "warning", metric: "system.disk.used" });
    expect(finding?.summary).toMatch(/size is unknown/);
  });
});

describe("a flat disk with noisy readings", () => {
  it("is never called filling, whatever the noise draws", () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const { evidence, plan } = scenarioEvidence({
        id: "flat-disk",
        service: "svc",
        question: "How is it doing?",
        window: "1h",
        seed,
        series: [{ metric: "system.disk.in_use", baseline: 0.53, noise: 0.003, max: 1 }],
      });
      const filling = analyzeEvidence({ evidence, plan }).findings.filter((f) => f.category === "capacity");
      expect(filling, `seed ${seed}`).toEqual([]);
    }
  });
});
