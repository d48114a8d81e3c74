import type { PreparedSeries } from "./prepared-series.js";
import {
  formatChange,
  formatDuration,
  formatPct,
  formatRate,
  formatTime,
  formatValue,
  roundSig,
} from "./format-value.js";

/** Shared wording and number formatting for detections of one series. */
export interface Describer {
  readonly v: (raw: number) => string;
  readonly at: (ms: number) => string;
  readonly pct: (pct: number) => string;
  /** A change from one value to another: percentage points for shares, else relative. */
  readonly change: (from: number, to: number) => string;
  /** A rate per hour in the series' unit: "-5.2 pp/h", "+238 MiB/h". */
  readonly rate: (perHour: number) => string;
  readonly dur: (ms: number) => string;
  readonly num: (x: number) => number;
}

export function describer(p: PreparedSeries, windowMs: number): Describer {
  const unit = p.unit;
  return {
    v: (raw) => formatValue(raw, unit),
    at: (ms) => formatTime(ms, windowMs),
    pct: formatPct,
    change: (from, to) => formatChange(from, to, unit),
    rate: (perHour) => formatRate(perHour, unit),
    dur: formatDuration,
    num: (x) => roundSig(x, 4),
  };
}

/** Relative change in %, or NaN when the baseline is zero. */
export function changePct(baseline: number, level: number): number {
  return baseline !== 0 ? ((level - baseline) / Math.abs(baseline)) * 100 : Number.NaN;
}
