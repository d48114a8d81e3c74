import { describe, expect, it } from "vitest";
import type { Series } from "../evidence.js";
import { seriesStats } from "./series-stats.js";

const HOUR = 3_600_000;
const window = { start: 0, end: 10 * HOUR, label: "last 10 hours" };

function series(points: Array<[number, number | null]>, metric = "system.cpu.user"): Series {
  return { metric, query: `avg:${metric}{service:x}`, group: [], points, interval_s: 3600 };
}

describe("seriesStats", () => {
  it("computes count, gaps, current, mean, extremes, percentiles, slope and change", () => {
    // One point an hour from 0 h to 10 h rising by 1 per hour, with a null at 5 h.
    const points = Array.from({ length: 11 }, (_, h): [number, number | null] => [
      h * HOUR,
      h === 5 ? null : 10 + h,
    ]);
    const s = seriesStats(series(points), window);
    expect(s).toMatchObject({
      count: 10,
      gaps: 1,
      current: 20,
      min: 10,
      max: 20,
      kind: "cpu",
      unit: "percent",
    });
    expect(s.mean).toBeCloseTo(15, 6);
    expect(s.p50).toBeCloseTo(15, 6);
    expect(s.slope_per_hour).toBeCloseTo(1, 6);
    // First fifth (0–2 h): 10, 11, 12 → 11; last fifth (8–10 h): 18, 19, 20 → 19.
    expect(s.change_pct).toBeCloseTo(((19 - 11) / 11) * 100, 6);
  });

  it("counts missing intervals as gaps and reports empty series as nulls", () => {
    const sparse = seriesStats(
      series([
        [0, 1],
        [4 * HOUR, 1],
      ]),
      window,
    );
    expect(sparse.gaps).toBe(3 + 5);
    const empty = seriesStats(series([]), window);
    expect(empty).toMatchObject({
      count: 0,
      current: null,
      mean: null,
      p95: null,
      slope_per_hour: null,
      change_pct: null,
    });
  });
});
