import { lttb } from "@orch/core";

/** A point of a series as the API sends it: [epoch ms, value or null for a gap]. */
export type SeriesPoint = readonly [number, number | null];

/**
 * At most about `cap` points that keep the series' shape (LTTB), and its gaps: each run of
 * values between gaps is downsampled on its own, with a share of `cap` proportional to its
 * length, and the runs are joined by the first null of the gap between them, so a chart still
 * breaks its line where data was missing.
 */
export function downsamplePoints(points: readonly SeriesPoint[], cap: number): SeriesPoint[] {
  if (points.length <= cap) return [...points];
  const runs: Array<{ values: SeriesPoint[]; gap?: number }> = [];
  let values: SeriesPoint[] = [];
  for (const point of points) {
    if (point[1] !== null && Number.isFinite(point[1])) {
      values.push(point);
    } else if (values.length > 0) {
      runs.push({ values, gap: point[0] });
      values = [];
    }
  }
  if (values.length > 0) runs.push({ values });
  const total = runs.reduce((n, r) => n + r.values.length, 0);
  const budget = Math.max(2 * runs.length, cap - runs.length);
  const out: SeriesPoint[] = [];
  runs.forEach((run, i) => {
    out.push(...lttb(run.values, Math.max(2, Math.floor((budget * run.values.length) / total))));
    if (run.gap !== undefined && i < runs.length - 1) out.push([run.gap, null]);
  });
  return out;
}
