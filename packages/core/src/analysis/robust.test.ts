import { describe, expect, it } from "vitest";
import { changePoints } from "./change-points.js";
import { diffSigma, madSigma, median, quantileSorted, rollingMedian, spearman, theilSen } from "./robust.js";

/** Deterministic standard-normal-ish noise (sum of uniforms) so the tests never flake. */
function noise(n: number, seed = 1): Float64Array {
  let s = seed;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  return Float64Array.from({ length: n }, () => next() + next() + next() + next() + next() + next() - 3);
}

describe("robust statistics", () => {
  it("takes medians of odd and even samples without sorting the input", () => {
    const input = [5, 1, 4, 2, 3];
    expect(median(input)).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(input).toEqual([5, 1, 4, 2, 3]);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it("interpolates quantiles of sorted values", () => {
    expect(quantileSorted([0, 10, 20, 30, 40], 0.95)).toBeCloseTo(38);
  });

  it("gives a MAD scale that ignores a few huge outliers, where the standard deviation explodes", () => {
    const values = Array.from(noise(500));
    values[100] = 1000;
    values[300] = -800;
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(sd).toBeGreaterThan(50);
    expect(madSigma(values)).toBeGreaterThan(0.5);
    expect(madSigma(values)).toBeLessThan(1.5);
  });

  it("measures noise from differences, unmoved by a level shift", () => {
    const values = noise(400).map((v, i) => v + (i >= 200 ? 50 : 0));
    expect(madSigma(values)).toBeGreaterThan(20);
    expect(diffSigma(values)).toBeLessThan(1.5);
  });

  it("fits a Theil–Sen slope that a few wild points cannot bend", () => {
    const xs = Array.from({ length: 200 }, (_, i) => i);
    const ys = xs.map((x, i) => 2 * x + 5 + (i % 50 === 0 ? 10_000 : 0));
    const { slope, intercept } = theilSen(xs, ys);
    expect(slope).toBeCloseTo(2, 5);
    expect(intercept).toBeCloseTo(5, 3);
  });

  it("ranks monotonic relations with Spearman", () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 25, 1000])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
  });

  it("keeps edges sharp with a rolling median", () => {
    expect(Array.from(rollingMedian([0, 0, 0, 9, 0, 0, 5, 5, 5, 5], 3))).toEqual([
      0, 0, 0, 0, 0, 0, 5, 5, 5, 5,
    ]);
  });
});

describe("change points", () => {
  it("finds a later step that a huge spike would hide from a z-score", () => {
    const y = noise(600, 7);
    y[100] = (y[100] ?? 0) + 400;
    for (let i = 450; i < 600; i++) y[i] = (y[i] ?? 0) + 4;
    // A global z-score of the step is small: the spike inflates the standard deviation.
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length);
    expect((4 - (mean - 0)) / sd).toBeLessThan(1);
    // The change-point search, penalised by the robust noise scale, finds both.
    const sigma = diffSigma(y);
    const segments = changePoints(y, 3 * sigma * sigma * Math.log(y.length));
    const bounds = segments.map((s) => s.start);
    expect(bounds).toContain(100);
    expect(bounds).toContain(101);
    expect(bounds.some((b) => Math.abs(b - 450) <= 2)).toBe(true);
  });

  it("leaves plain noise in one piece", () => {
    const y = noise(720, 3);
    const sigma = diffSigma(y);
    expect(changePoints(y, 3 * sigma * sigma * Math.log(y.length))).toHaveLength(1);
  });

  it("works on long series by refining boundaries found on bucket means", () => {
    const y = noise(1440, 9).map((v, i) => v + (i >= 1000 ? 6 : 0));
    const sigma = diffSigma(y);
    const segments = changePoints(y, 3 * sigma * sigma * Math.log(y.length));
    expect(segments.map((s) => s.start)).toEqual([0, 1000]);
  });
});
