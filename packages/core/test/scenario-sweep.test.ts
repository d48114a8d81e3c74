import { describe, expect, it } from "vitest";
import { scoreCase, sweepCases } from "./support/scenario-sweep.js";

describe("the analyst over many generated scenarios", () => {
  it("finds at least 95% of injected incidents and raises at most 5% false warnings", () => {
    const outcomes = sweepCases(240, 2024).map(scoreCase);
    const expected = outcomes.reduce((a, o) => a + o.expected, 0);
    const found = outcomes.reduce((a, o) => a + o.found, 0);
    const falsePositives = outcomes.reduce((a, o) => a + o.falsePositives.length, 0);
    const recall = found / expected;
    const precision = found / Math.max(1, found + falsePositives);
    const misses = outcomes
      .filter((o) => o.missed.length > 0 || o.falsePositives.length > 0)
      .map(
        (o) =>
          `${o.name}: missed ${o.missed.join(", ")} fp ${o.falsePositives.map((f) => `${f.category} ${f.metric}`).join(", ")}`,
      );
    console.log(
      `sweep: ${outcomes.length} scenarios, recall ${recall.toFixed(3)} (${found}/${expected}), precision ${precision.toFixed(3)} (${falsePositives} false positives)\n${misses.join("\n")}`,
    );
    expect(recall).toBeGreaterThanOrEqual(0.95);
    expect(precision).toBeGreaterThanOrEqual(0.95);
  });
});
