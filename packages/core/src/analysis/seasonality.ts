import type { Segment } from "./change-points.js";
import { madSigma } from "./robust.js";

const DAY_MS = 86_400_000;
const TUKEY_C = 4.685;

/** A fitted daily cycle on the detection scale and whether it is trusted enough to remove. */
export interface DailyCycle {
  /** The cycle's value at each point (zero-mean); all zeros when not accepted. */
  readonly component: Float64Array;
  /** The fitted cycle whether accepted or not. */
  readonly fitted: Float64Array;
  /** Harmonic coefficients (cos 1, sin 1, cos 2, sin 2), to evaluate the cycle at other times. */
  readonly coef: readonly number[];
  readonly accepted: boolean;
  /** Number of harmonics fitted (0 when the window is too short to tell a cycle from a trend). */
  readonly harmonics: number;
  /** Peak-to-peak swing of the fitted cycle, detection-scale units. */
  readonly peakToPeak: number;
  /** Steepest rate of change of the fitted cycle, detection-scale units per hour. */
  readonly maxSlopePerHour: number;
}

/** No cycle: for windows too short, or series that trend instead. */
export function noCycle(n: number): DailyCycle {
  return {
    component: new Float64Array(n),
    fitted: new Float64Array(n),
    coef: [],
    accepted: false,
    harmonics: 0,
    peakToPeak: 0,
    maxSlopePerHour: 0,
  };
}

/** The cycle with these coefficients at the given times. */
export function cycleAt(coef: readonly number[], times: Float64Array): Float64Array {
  const out = new Float64Array(times.length);
  const h = coef.length / 2;
  for (let i = 0; i < times.length; i++) {
    const phase = (2 * Math.PI * ((times[i] ?? 0) % DAY_MS)) / DAY_MS;
    let v = 0;
    for (let k = 1; k <= h; k++)
      v += (coef[2 * k - 2] ?? 0) * Math.cos(k * phase) + (coef[2 * k - 1] ?? 0) * Math.sin(k * phase);
    out[i] = v;
  }
  return out;
}

function solve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] ?? 0]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]?.[c] ?? 0) > Math.abs(m[pivot]?.[c] ?? 0)) pivot = r;
    const tmp = m[c];
    m[c] = m[pivot] ?? [];
    m[pivot] = tmp ?? [];
    const p = m[c]?.[c] ?? 0;
    if (Math.abs(p) < 1e-12) return undefined;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = (m[r]?.[c] ?? 0) / p;
      if (f === 0) continue;
      const row = m[r] ?? [];
      const pr = m[c] ?? [];
      for (let k = c; k <= n; k++) row[k] = (row[k] ?? 0) - f * (pr[k] ?? 0);
    }
  }
  return m.map((row, i) => (row[n] ?? 0) / (row[i] ?? 1));
}

function harmonicRow(t: number, harmonics: number): number[] {
  const phase = (2 * Math.PI * (t % DAY_MS)) / DAY_MS;
  const row: number[] = [];
  for (let k = 1; k <= harmonics; k++) row.push(Math.cos(k * phase), Math.sin(k * phase));
  return row;
}

/** Harmonic basis per time array, cached: model choice fits several cycles on the same times. */
const BASES = new WeakMap<Float64Array, Float64Array>();

function basisOf(times: Float64Array, harmonics: number): Float64Array {
  const cached = BASES.get(times);
  if (cached && cached.length === times.length * 2 * harmonics) return cached;
  const h = 2 * harmonics;
  const basis = new Float64Array(times.length * h);
  for (let i = 0; i < times.length; i++) {
    const phase = (2 * Math.PI * ((times[i] ?? 0) % DAY_MS)) / DAY_MS;
    for (let k = 1; k <= harmonics; k++) {
      basis[i * h + 2 * k - 2] = Math.cos(k * phase);
      basis[i * h + 2 * k - 1] = Math.sin(k * phase);
    }
  }
  BASES.set(times, basis);
  return basis;
}

/**
 * Fits a smooth daily cycle (two harmonics of 24 h) jointly with a level per segment
 * (the level shifts found so far), by iteratively reweighted least squares with Tukey's
 * biweight so incidents get no weight. Fitting both at once keeps a step from being bent into
 * the cycle and a cycle from being cut into steps. The cycle is accepted only when it is
 * clearly there and what remains around it is plain noise.
 */
export function fitDailyCycle(
  times: Float64Array,
  y: Float64Array,
  noise: number,
  windowMs: number,
  segments: readonly Segment[] = [],
): DailyCycle {
  const n = y.length;
  const span = n > 1 ? (times[n - 1] ?? 0) - (times[0] ?? 0) : 0;
  const none = noCycle(n);
  // Under ~20 h a cycle cannot be told from a trend: half a cycle looks like a ramp.
  if (windowMs < 20 * 3_600_000 || span < 19 * 3_600_000 || n < 36) return none;
  const harmonics = 2;
  const h = 2 * harmonics;
  const segs = segments.length > 0 ? segments : [{ start: 0, end: n, mean: 0 }];
  const basis = basisOf(times, harmonics);
  const weights = new Float64Array(n).fill(1);
  const fitted = new Float64Array(n);
  const resid = new Float64Array(n);
  let coef: number[] = new Array<number>(h).fill(0);
  let scale = Math.max(noise, 1e-9);
  const sr = new Float64Array(h);
  const ata = new Float64Array(h * h);
  const atb = new Float64Array(h);
  for (let iter = 0; iter < 4; iter++) {
    // Segment levels are profiled out: the harmonics are fitted to the within-segment
    // variation (weighted, centred per segment), then each level is its segment's mean remainder.
    ata.fill(0);
    atb.fill(0);
    for (const seg of segs) {
      let sw = 0;
      let sy = 0;
      sr.fill(0);
      for (let i = seg.start; i < seg.end; i++) {
        const w = weights[i] ?? 0;
        if (w === 0) continue;
        const yi = y[i] ?? 0;
        sw += w;
        sy += w * yi;
        const o = i * h;
        for (let a = 0; a < h; a++) {
          const ra = (basis[o + a] ?? 0) * w;
          sr[a] = (sr[a] ?? 0) + ra;
          atb[a] = (atb[a] ?? 0) + ra * yi;
          for (let b = a; b < h; b++) ata[a * h + b] = (ata[a * h + b] ?? 0) + ra * (basis[o + b] ?? 0);
        }
      }
      if (sw === 0) continue;
      for (let a = 0; a < h; a++) {
        atb[a] = (atb[a] ?? 0) - ((sr[a] ?? 0) * sy) / sw;
        for (let b = a; b < h; b++)
          ata[a * h + b] = (ata[a * h + b] ?? 0) - ((sr[a] ?? 0) * (sr[b] ?? 0)) / sw;
      }
    }
    const matrix = Array.from({ length: h }, (_, a) =>
      Array.from({ length: h }, (_, b) => ata[Math.min(a, b) * h + Math.max(a, b)] ?? 0),
    );
    const next = solve(matrix, Array.from(atb));
    if (!next) return none;
    coef = next;
    for (let i = 0; i < n; i++) {
      let cyc = 0;
      for (let a = 0; a < h; a++) cyc += (coef[a] ?? 0) * (basis[i * h + a] ?? 0);
      fitted[i] = cyc;
    }
    for (const seg of segs) {
      let sw = 0;
      let sum = 0;
      for (let i = seg.start; i < seg.end; i++) {
        const w = weights[i] ?? 0;
        sw += w;
        sum += w * ((y[i] ?? 0) - (fitted[i] ?? 0));
      }
      const level = sw > 0 ? sum / sw : 0;
      for (let i = seg.start; i < seg.end; i++) resid[i] = (y[i] ?? 0) - (fitted[i] ?? 0) - level;
    }
    scale = Math.max(madSigma(resid), noise * 0.5, 1e-9);
    const cut = TUKEY_C * scale;
    for (let i = 0; i < n; i++) {
      const u = (resid[i] ?? 0) / cut;
      weights[i] = Math.abs(u) < 1 ? (1 - u * u) * (1 - u * u) : 0;
    }
  }

  // Evaluate the cycle over one day for its swing and steepest slope.
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let maxSlope = 0;
  let prev: number | undefined;
  const steps = 96;
  for (let s = 0; s <= steps; s++) {
    const row = harmonicRow((s / steps) * DAY_MS, harmonics);
    let v = 0;
    for (let a = 0; a < h; a++) v += (coef[a] ?? 0) * (row[a] ?? 0);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    if (prev !== undefined) maxSlope = Math.max(maxSlope, Math.abs(v - prev) / (24 / steps));
    prev = v;
  }
  const peakToPeak = hi - lo;
  let rejected = 0;
  for (const w of weights) if (w === 0) rejected++;
  const accepted =
    peakToPeak >= Math.max((10 * noise) / Math.sqrt(n), 0.06) &&
    scale <= 1.6 * Math.max(noise, 1e-9) &&
    rejected <= 0.25 * n;
  return {
    component: accepted ? Float64Array.from(fitted) : new Float64Array(n),
    fitted,
    coef,
    accepted,
    harmonics,
    peakToPeak,
    maxSlopePerHour: maxSlope,
  };
}
