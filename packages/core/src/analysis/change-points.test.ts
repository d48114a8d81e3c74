import { describe, expect, it } from "vitest";
import { changePoints } from "./change-points.js";

describe("change points", () => {
  it("splits a series at its steps and keeps a lone spike from masking a later step", () => {
    const y = new Float64Array(300).map((_, i) => (i < 100 ? 5 : i < 220 ? 20 : 8) + (i === 30 ? 200 : 0));
    const starts = changePoints(y, 50).map((s) => s.start);
    expect(starts).toContain(100);
    expect(starts).toContain(220);
  });

  it("searches long series on bucket means, then refines the boundary to the exact point", () => {
    const y = new Float64Array(5000).map((_, i) => (i < 3217 ? 1 : 9));
    const segments = changePoints(y, 20);
    expect(segments.map((s) => s.start)).toEqual([0, 3217]);
    expect(segments[1]!.mean).toBeCloseTo(9);
  });
});
