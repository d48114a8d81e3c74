import { madSigma, median, theilSen } from "./robust.js";

const HOUR_MS = 3_600_000;

/** A steady trend across the whole window, on the detection scale. */
export interface Trend {
  readonly slopePerHour: number;
  /** Fitted value at `t0`. */
  readonly intercept: number;
  readonly t0: number;
  /** Fitted change from the first to the last point. */
  readonly change: number;
}

/**
 * A trend across the whole window: the medians of five consecutive blocks move the same way,
 * each step clearly beyond noise and of similar size. A step in the middle of the window has flat blocks on either
 * side and does not qualify; it is left to the change-point search.
 */
export function wholeWindowTrend(times: Float64Array, y: Float64Array, noise: number): Trend | undefined {
  const n = y.length;
  if (n < 20) return undefined;
  const blocks = 5;
  const size = Math.floor(n / blocks);
  const medians: number[] = [];
  for (let b = 0; b < blocks; b++)
    medians.push(median(y.subarray(b * size, b === blocks - 1 ? n : (b + 1) * size)));
  // A block median's error is about 1.25 σ/√size; require each step to clear it comfortably.
  const minStep = (3 * 1.25 * noise) / Math.sqrt(size);
  let sign = 0;
  let smallest = Number.POSITIVE_INFINITY;
  let largest = 0;
  for (let b = 1; b < blocks; b++) {
    const d = (medians[b] ?? 0) - (medians[b - 1] ?? 0);
    if (Math.abs(d) < minStep) return undefined;
    const s = Math.sign(d);
    if (sign !== 0 && s !== sign) return undefined;
    sign = s;
    smallest = Math.min(smallest, Math.abs(d));
    largest = Math.max(largest, Math.abs(d));
  }
  // Steady means roughly linear: a change that starts late in the window (flat, then rising) is not a trend.
  if (smallest < 0.3 * largest) return undefined;
  const t0 = times[0] ?? 0;
  const xs = Array.from(times, (t) => (t - t0) / HOUR_MS);
  const { slope, intercept } = theilSen(xs, y);
  if (Math.sign(slope) !== sign) return undefined;
  const span = xs[xs.length - 1] ?? 0;
  // And the line must describe the data: a step plus a cycle can also rise block by block.
  const resid = y.map((v, i) => v - intercept - slope * (xs[i] ?? 0));
  if (madSigma(resid) > Math.max(1.5 * noise, 0.1 * Math.abs(slope * span))) return undefined;
  return { slopePerHour: slope, intercept, t0, change: slope * span };
}

/** The trend's value at time t. */
export function trendAt(trend: Trend, t: number): number {
  return trend.intercept + trend.slopePerHour * ((t - trend.t0) / HOUR_MS);
}
