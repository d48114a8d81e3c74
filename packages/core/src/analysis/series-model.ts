import { changePoints, segmentationCost, type Segment } from "./change-points.js";
import { SAME_LEVEL_LOG } from "./excursions.js";
import type { LevelView } from "./level-view.js";
import type { PreparedSeries } from "./prepared-series.js";
import { diffSigma, median } from "./robust.js";
import { cycleAt, fitDailyCycle, noCycle, type DailyCycle } from "./seasonality.js";
import { wholeWindowTrend, type Trend } from "./trend.js";

const HOUR_MS = 3_600_000;
/** Shorter windows cannot show a daily cycle (see fitDailyCycle). */
const CYCLE_WINDOW_MS = 20 * HOUR_MS;

/** Penalty per change point, in units of σ²·ln n (BIC would be 2; more is safer on real data). */
const PENALTY = 3;
/** Penalty per cycle coefficient, same units: a cycle must pay for itself like a change point. */
const CYCLE_PENALTY = 0.75;

/** The smooth part of a series (daily cycle, steady trend) separated from its level changes. */
export interface SeriesModel extends LevelView {
  readonly cycle: DailyCycle;
  readonly trend: Trend | undefined;
  /** Daily cycle plus trend on the detection scale, per point: what "normal" adds to the level. */
  readonly smooth: Float64Array;
}

/** Noise floor on the detection scale: Poisson noise for counts, 0.5 % otherwise. */
function noiseFloor(p: PreparedSeries): number {
  if (p.scale === "sqrt") return 0.9;
  if (!p.isCount) return 0.005;
  const m = median(p.values);
  return 0.8 / Math.sqrt(Math.max(0, m) + 1);
}

function minus(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) - (b[i] ?? 0);
  return out;
}

/** Model choice runs on at most this many bucket means: only the big shapes matter there, and it keeps it fast. */
const COARSE_POINTS = 240;

function coarse(
  times: Float64Array,
  y: Float64Array,
): { times: Float64Array; y: Float64Array; bucket: number } {
  const n = y.length;
  const bucket = Math.max(1, Math.ceil(n / COARSE_POINTS));
  if (bucket === 1) return { times, y, bucket };
  const m = Math.ceil(n / bucket);
  const ct = new Float64Array(m);
  const cy = new Float64Array(m);
  for (let b = 0; b < m; b++) {
    const end = Math.min(n, (b + 1) * bucket);
    let st = 0;
    let sy = 0;
    for (let i = b * bucket; i < end; i++) {
      st += times[i] ?? 0;
      sy += y[i] ?? 0;
    }
    ct[b] = st / (end - b * bucket);
    cy[b] = sy / (end - b * bucket);
  }
  return { times: ct, y: cy, bucket };
}

/**
 * Decides between "level shifts only" and "daily cycle plus level shifts" by penalised cost:
 * a seasonal day cut into steps needs many change points; a real step bent into a cycle leaves
 * a poor fit. The cycle is refitted jointly with the level shifts found so far (backfitting),
 * from two starts, because either a step or a cycle can mislead the first fit. Runs on bucket
 * means; the chosen cycle is then evaluated at every point.
 */
function chooseCycle(p: PreparedSeries, noise: number, windowMs: number): DailyCycle {
  const n = p.y.length;
  const { times, y, bucket } = coarse(p.times, p.y);
  const m = y.length;
  const cNoise = noise / Math.sqrt(bucket);
  const penalty = PENALTY * cNoise * cNoise * Math.log(Math.max(m, 3));
  const flat = fitDailyCycle(times, y, cNoise, windowMs);
  // Nothing cycle-like even before looking for steps: skip the search (most non-traffic series).
  if (flat.harmonics === 0 || flat.peakToPeak < Math.max(0.06, (10 * cNoise) / Math.sqrt(m)))
    return noCycle(n);
  const plain = changePoints(y, penalty);
  const plainCost = segmentationCost(y, plain, penalty);
  const cyclePenalty = CYCLE_PENALTY * 2 * flat.harmonics * cNoise * cNoise * Math.log(m);
  let best: { cycle: DailyCycle; cost: number; segments: readonly Segment[] } | undefined;
  for (const start of [flat, fitDailyCycle(times, y, cNoise, windowMs, plain)]) {
    let cycle = start;
    cycle = fitDailyCycle(times, y, cNoise, windowMs, changePoints(minus(y, cycle.fitted), penalty));
    const deseasonalised = minus(y, cycle.fitted);
    const segments = changePoints(deseasonalised, penalty);
    const cost = segmentationCost(deseasonalised, segments, penalty) + cyclePenalty;
    if (!best || cost < best.cost) best = { cycle, cost, segments };
  }
  const chosen = best?.cycle ?? flat;
  const full = cycleAt(chosen.coef, p.times);
  const accepted =
    best !== undefined &&
    best.cost < plainCost &&
    chosen.accepted &&
    holdsThroughout(y, chosen.fitted, best.segments, cNoise);
  return { ...chosen, fitted: full, component: accepted ? full : new Float64Array(n), accepted };
}

/**
 * A daily cycle shows in both halves of the window: in each, taking it out leaves less
 * variation around the level shifts than leaving it in. A curve that only bends around a leak
 * or a long ramp in one half, while the other half is flat, is not a cycle. Residuals are
 * clipped at 4σ so an incident does not decide it.
 */
function holdsThroughout(
  y: Float64Array,
  cycle: Float64Array,
  segments: readonly Segment[],
  noise: number,
): boolean {
  const n = y.length;
  const half = n >> 1;
  const clip = 4 * noise;
  const gains = [0, 0];
  for (const s of segments) {
    const plain = median(y.subarray(s.start, s.end));
    const deseasonalised = new Float64Array(s.end - s.start);
    for (let i = s.start; i < s.end; i++) deseasonalised[i - s.start] = (y[i] ?? 0) - (cycle[i] ?? 0);
    const level = median(deseasonalised);
    for (let i = s.start; i < s.end; i++) {
      const without = Math.min(clip, Math.abs((y[i] ?? 0) - plain));
      const withCycle = Math.min(clip, Math.abs((deseasonalised[i - s.start] ?? 0) - level));
      const k = i < half ? 0 : 1;
      gains[k] = (gains[k] ?? 0) + without * without - withCycle * withCycle;
    }
  }
  const [a = 0, b = 0] = gains;
  return a > 0 && b > 0 && Math.min(a, b) >= 0.2 * Math.max(a, b);
}

/** Fits the model of a prepared series over a window of `windowMs`. */
export function seriesModel(p: PreparedSeries, windowMs: number): SeriesModel {
  const { times, y } = p;
  const n = y.length;
  const noise = Math.max(diffSigma(y), noiseFloor(p));
  const penalty = PENALTY * noise * noise * Math.log(Math.max(n, 3));
  // A steady trend across the whole window is no daily cycle (a cycle goes both ways within a day).
  const early = wholeWindowTrend(times, y, noise);
  const cycle = early ? noCycle(n) : chooseCycle(p, noise, windowMs);
  const resid = cycle.accepted ? minus(y, cycle.component) : y;
  const trend = early ?? wholeWindowTrend(times, resid, noise);
  const smooth = Float64Array.from(cycle.component);
  const tMid = n > 0 ? ((times[0] ?? 0) + (times[n - 1] ?? 0)) / 2 : 0;
  if (trend)
    for (let i = 0; i < n; i++)
      smooth[i] = (smooth[i] ?? 0) + (trend.slopePerHour * ((times[i] ?? 0) - tMid)) / HOUR_MS;
  const level = minus(y, smooth);
  const segments: Segment[] = n >= 8 ? changePoints(level, penalty) : [];
  // Without a cycle removed, a slow ramp must outpace what a strong daily cycle could do (≈0.2/h).
  // Under a day the cycle cannot even be looked for, and traffic that falls to a fifth at night
  // climbs at up to ≈0.3/h on the log scale in the morning: only faster is an incident there.
  const quietCycle = cycle.accepted || (cycle.harmonics > 0 && cycle.peakToPeak < 0.1);
  const speedMin = quietCycle ? 0.08 : windowMs >= CYCLE_WINDOW_MS ? 0.2 : 0.35;
  // A 15 % difference is the same state; on the square-root scale of counts that depends on the rate.
  const sameLevel =
    p.scale === "sqrt" ? Math.max(0.3, 0.15 * Math.sqrt(Math.max(1, median(p.values)))) : SAME_LEVEL_LOG;
  return {
    times,
    level,
    segments,
    noise,
    intervalMs: p.intervalMs,
    windowMs,
    speedMin,
    sameLevel,
    cycle,
    trend,
    smooth,
  };
}
