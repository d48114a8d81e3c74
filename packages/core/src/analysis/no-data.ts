import type { Series } from "../evidence.js";
import type { TimeWindow } from "../time-window.js";
import type { Detection } from "./detection.js";
import { PRIORITY } from "./detection.js";
import { formatDuration, formatTime } from "./format-value.js";
import { classifyMetric } from "../metric-catalog.js";
import { seriesIntervalMs } from "./series-stats.js";

/**
 * Missing data inside a series: the series stopped reporting before the end of the window, or
 * a long hole in the middle. A late start is not flagged (a new host or metric).
 */
export function noDataDetections(series: Series, window: TimeWindow): Detection[] {
  const interval = seriesIntervalMs(series);
  const label = series.group.length > 0 ? `${series.metric}{${series.group.join(",")}}` : series.metric;
  const kind = series.kind ?? classifyMetric(series.metric)?.kind;
  const windowMs = window.end - window.start;
  const valid: number[] = [];
  for (const [t, v] of series.points) if (v !== null && Number.isFinite(v)) valid.push(t);
  const make = (
    start: number,
    end: number,
    severity: "warning" | "critical",
    summary: string,
    trailing: boolean,
  ): Detection => ({
    key: label,
    metric: series.metric,
    ...(kind !== undefined ? { kind } : {}),
    category: "availability",
    severity,
    anomaly: "nodata",
    start,
    end,
    evidence: {
      anomaly: "nodata",
      gap_min: Math.round((end - start) / 60_000),
      trailing: trailing ? "yes" : "no",
    },
    summary,
    magnitude: Math.min(3, ((end - start) / Math.max(windowMs, 1)) * 5),
    priority: PRIORITY.nodata,
  });
  if (valid.length === 0) {
    if (series.points.length === 0) return [];
    return [
      make(window.start, window.end, "warning", `${label} reported no values at all in the window`, true),
    ];
  }
  const out: Detection[] = [];
  const last = valid[valid.length - 1] ?? window.end;
  const trailingMin = Math.max(3 * interval, 5 * 60_000);
  if (window.end - last > trailingMin) {
    const gap = window.end - last;
    out.push(
      make(
        last + interval,
        window.end,
        gap >= 30 * 60_000 ? "critical" : "warning",
        `${label} stopped reporting at ${formatTime(last, windowMs)}: no data for the last ${formatDuration(gap)}`,
        true,
      ),
    );
  }
  const interiorMin = Math.max(4 * interval, 10 * 60_000);
  let longest: [number, number] | undefined;
  for (let i = 1; i < valid.length; i++) {
    const a = valid[i - 1] ?? 0;
    const b = valid[i] ?? 0;
    if (b - a > interiorMin && (!longest || b - a > longest[1] - longest[0])) longest = [a, b];
  }
  if (longest) {
    const [a, b] = longest;
    out.push(
      make(
        a + interval,
        b - interval,
        "warning",
        `${label} had no data from ${formatTime(a + interval, windowMs)} to ${formatTime(b, windowMs)} (${formatDuration(b - a)})`,
        false,
      ),
    );
  }
  return out;
}
