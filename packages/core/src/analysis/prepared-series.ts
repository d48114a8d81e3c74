import type { Series } from "../evidence.js";
import {
  classifyMetric,
  shareUnitOf,
  withSourceUnit,
  type MetricProfile,
  type SignalKind,
} from "../metric-catalog.js";
import { parseUnit, unitText } from "../units/unit.js";
import { madSigma, median } from "./robust.js";
import { seriesIntervalMs } from "./series-stats.js";

/**
 * A series ready for detection: its valid points, what the metric is, and the values on a
 * variance-stabilising scale. Metric noise is roughly proportional to the level (latency,
 * traffic, CPU), so detectors work on log(v + offset) where one threshold fits any level;
 * small counts (a few errors a minute) are Poisson-like and get a square-root scale instead.
 */
export interface PreparedSeries {
  readonly series: Series;
  /** Display name with group, e.g. "system.cpu.user{host:web-1}". */
  readonly label: string;
  /** What the metric is; its unit is the one the series reads in (see `shareUnitOf`). */
  readonly profile: MetricProfile | undefined;
  readonly kind: SignalKind | undefined;
  /** The unit values are shown in (Datadog's unit names): "percent", "fraction", "second", "byte", "request/second"… */
  readonly unit: string | undefined;
  readonly isCount: boolean;
  readonly intervalMs: number;
  readonly times: Float64Array;
  readonly values: Float64Array;
  /** Values on the detection scale. */
  readonly y: Float64Array;
  /** The detection scale: log for levels with proportional noise, square root (Anscombe) for small counts. */
  readonly scale: "log" | "sqrt" | "linear";
  readonly toRaw: (y: number) => number;
  /** A known bound in the metric's unit (a disk's total bytes), when one was read. */
  readonly limit?: number;
}

function looksIntegral(values: Float64Array): boolean {
  for (const v of values) if (!Number.isInteger(v)) return false;
  return true;
}

/** Prepares a series for detection (see PreparedSeries). */
export function prepareSeries(
  series: Series,
  metricOverride?: MetricProfile,
  limit?: number,
): PreparedSeries {
  const classified = metricOverride ?? withSourceUnit(classifyMetric(series.metric), series.source_unit);
  const kind = series.kind ?? classified?.kind;
  const times: number[] = [];
  const values: number[] = [];
  for (const [t, v] of series.points) {
    if (v !== null && Number.isFinite(v)) {
      times.push(t);
      values.push(v);
    }
  }
  const vals = Float64Array.from(values);
  let max = Number.NEGATIVE_INFINITY;
  for (const v of vals) max = Math.max(max, v);
  const sourceUnit = series.source_unit
    ? unitText(parseUnit(series.source_unit.name, series.source_unit.per))
    : undefined;
  const unit = shareUnitOf(series.metric, kind, sourceUnit ?? classified?.unit ?? series.unit, max);
  const profile: MetricProfile | undefined =
    classified && classified.unit !== unit && unit !== undefined ? { ...classified, unit } : classified;
  const parsed = parseUnit(unit);
  // Counts per interval: events (errors, requests, restarts) whose values are whole numbers, or summed per interval.
  const eventKind = kind === "errors" || kind === "requests" || kind === "restarts";
  const isCount =
    (profile?.asCount ?? false) ||
    (eventKind &&
      parsed?.family === "count" &&
      parsed.per === undefined &&
      vals.length > 0 &&
      looksIntegral(vals)) ||
    (eventKind && parsed === undefined && vals.length > 0 && looksIntegral(vals)) ||
    // Occurrences counted per interval (Datadog type "count"): overflows, timeouts, evictions.
    (profile?.type === "count" &&
      parsed?.family === "count" &&
      parsed.per === undefined &&
      vals.length > 0 &&
      looksIntegral(vals));
  let min = Number.POSITIVE_INFINITY;
  for (const v of vals) min = Math.min(min, v);
  const label = series.group.length > 0 ? `${series.metric}{${series.group.join(",")}}` : series.metric;

  let y: Float64Array;
  let toRaw: (y: number) => number;
  let scale: PreparedSeries["scale"] = "linear";
  // Small whole numbers are Poisson-like whatever their type: a gauge of pending requests or queued
  // jobs at 0–3 moves by ones, which is its noise, not an excursion.
  const smallWhole = vals.length > 0 && min >= 0 && median(vals) < 30 && (isCount || looksIntegral(vals));
  if ((isCount || kind === "saturation") && smallWhole) {
    // Small counts are Poisson-like: the Anscombe transform gives them unit noise at any rate.
    y = vals.map((v) => 2 * Math.sqrt(v + 0.375));
    toRaw = (u) => (u / 2) ** 2 - 0.375;
    scale = "sqrt";
  } else if (vals.length > 0 && min >= 0) {
    scale = "log";
    const m = median(vals);
    const spread = madSigma(vals);
    // The offset keeps zeros finite and stops near-zero noise from dominating the log scale.
    const offset = isCount ? Math.max(1, 0.5 * spread) : Math.max(0.02 * Math.abs(m), 0.5 * spread, 1e-9);
    y = vals.map((v) => Math.log(v + offset));
    toRaw = (u) => Math.exp(u) - offset;
  } else {
    y = Float64Array.from(vals);
    toRaw = (u) => u;
  }
  return {
    series,
    label,
    profile,
    kind,
    unit,
    isCount,
    intervalMs: seriesIntervalMs(series),
    times: Float64Array.from(times),
    values: vals,
    y,
    scale,
    toRaw,
    ...(limit !== undefined && limit > 0 ? { limit } : {}),
  };
}
