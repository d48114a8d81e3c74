import type { SeriesStats } from "../analysis-result.js";
import type { Series } from "../evidence.js";
import type { TimeWindow } from "../time-window.js";
import { classifyMetric, shareUnitOf, withSourceUnit, type MetricProfile } from "../metric-catalog.js";
import { quantileSorted } from "./robust.js";

const HOUR_MS = 3_600_000;

/** The interval of a series in ms: the reported one, else the median spacing of its points. */
export function seriesIntervalMs(series: Series): number {
  if (series.interval_s > 0) return series.interval_s * 1000;
  const diffs: number[] = [];
  for (let i = 1; i < series.points.length; i++) {
    const d = (series.points[i]?.[0] ?? 0) - (series.points[i - 1]?.[0] ?? 0);
    if (d > 0) diffs.push(d);
  }
  diffs.sort((a, b) => a - b);
  return diffs.length > 0 ? (diffs[diffs.length >> 1] ?? 60_000) : 60_000;
}

/** Intervals with no value: null points plus missing grid slots inside and at the ends of the window. */
function countGaps(series: Series, window: TimeWindow, intervalMs: number): number {
  const pts = series.points;
  let gaps = 0;
  for (const [, v] of pts) if (v === null || !Number.isFinite(v)) gaps++;
  for (let i = 1; i < pts.length; i++) {
    const d = (pts[i]?.[0] ?? 0) - (pts[i - 1]?.[0] ?? 0);
    if (d > intervalMs * 1.5) gaps += Math.round(d / intervalMs) - 1;
  }
  const first = pts[0]?.[0];
  const last = pts[pts.length - 1]?.[0];
  if (first === undefined || last === undefined)
    return Math.max(0, Math.floor((window.end - window.start) / intervalMs));
  gaps += Math.max(0, Math.floor((first - window.start) / intervalMs) - 1);
  gaps += Math.max(0, Math.floor((window.end - last) / intervalMs) - 1);
  return gaps;
}

function meanOfRange(
  times: readonly number[],
  values: readonly number[],
  from: number,
  to: number,
): number | null {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i] ?? 0;
    if (t >= from && t <= to) {
      sum += values[i] ?? 0;
      n++;
    }
  }
  return n > 0 ? sum / n : null;
}

/** Descriptive statistics of one series over the window, exactly as `SeriesStats`. */
export function seriesStats(series: Series, window: TimeWindow, known?: MetricProfile): SeriesStats {
  const profile = known ?? withSourceUnit(classifyMetric(series.metric), series.source_unit);
  const kind = series.kind ?? profile?.kind;
  const times: number[] = [];
  const values: number[] = [];
  let highest = Number.NEGATIVE_INFINITY;
  for (const [t, v] of series.points) {
    if (v !== null && Number.isFinite(v)) {
      times.push(t);
      values.push(v);
      highest = Math.max(highest, v);
    }
  }
  const unit = shareUnitOf(series.metric, kind, profile?.unit ?? series.unit, highest);
  const base = {
    metric: series.metric,
    query: series.query,
    group: series.group,
    ...(kind !== undefined ? { kind } : {}),
    ...(unit !== undefined ? { unit } : {}),
    ...(series.derived !== undefined ? { derived: series.derived } : {}),
  };
  const intervalMs = seriesIntervalMs(series);
  const gaps = countGaps(series, window, intervalMs);
  const n = values.length;
  if (n === 0) {
    return {
      ...base,
      count: 0,
      gaps,
      current: null,
      mean: null,
      min: null,
      max: null,
      p50: null,
      p95: null,
      p99: null,
      slope_per_hour: null,
      change_pct: null,
      change_abs: null,
    };
  }
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;

  let slope: number | null = null;
  if (n >= 2) {
    const t0 = times[0] ?? 0;
    let sx = 0;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      const x = ((times[i] ?? 0) - t0) / HOUR_MS;
      sx += x;
      sxx += x * x;
      sxy += x * (values[i] ?? 0);
    }
    const denom = n * sxx - sx * sx;
    slope = denom > 0 ? (n * sxy - sx * sum) / denom : null;
  }

  const fifth = (window.end - window.start) / 5;
  const first = meanOfRange(times, values, window.start, window.start + fifth);
  const last = meanOfRange(times, values, window.end - fifth, window.end);
  const change =
    first !== null && last !== null && first !== 0 ? ((last - first) / Math.abs(first)) * 100 : null;

  return {
    ...base,
    count: n,
    gaps,
    current: values[n - 1] ?? null,
    mean,
    min: sorted[0] ?? null,
    max: sorted[n - 1] ?? null,
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    slope_per_hour: slope,
    change_pct: change,
    change_abs: first !== null && last !== null ? last - first : null,
  };
}
