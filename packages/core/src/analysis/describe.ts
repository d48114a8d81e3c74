import type { PreparedSeries } from "./prepared-series.js";
import { formatDuration, formatPct, formatTime, formatValue, roundSig } from "./format-value.js";

/** Shared wording and number formatting for detections of one series. */
export interface Describer {
  readonly v: (raw: number) => string;
  readonly at: (ms: number) => string;
  readonly pct: (pct: number) => string;
  readonly dur: (ms: number) => string;
  readonly num: (x: number) => number;
}

export function describer(p: PreparedSeries, windowMs: number): Describer {
  const unit = p.series.unit ?? p.profile?.unit;
  return {
    v: (raw) => formatValue(raw, unit),
    at: (ms) => formatTime(ms, windowMs),
    pct: formatPct,
    dur: formatDuration,
    num: (x) => roundSig(x, 4),
  };
}

/** Relative change in %, or NaN when the baseline is zero. */
export function changePct(baseline: number, level: number): number {
  return baseline !== 0 ? ((level - baseline) / Math.abs(baseline)) * 100 : Number.NaN;
}
