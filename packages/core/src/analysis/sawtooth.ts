import type { Detection } from "./detection.js";
import { PRIORITY } from "./detection.js";
import { changePct, describer } from "./describe.js";
import type { PreparedSeries } from "./prepared-series.js";
import { diffSigma, quantileSorted, spearman, theilSen } from "./robust.js";
import { utilisationOf } from "./utilisation.js";

const HOUR_MS = 3_600_000;

const lowIsBad = (p: PreparedSeries): boolean => p.profile?.higherIsWorse === false;

/** A series that climbs gradually and is collected back down again and again (a GC or eviction cycle). */
export interface Sawtooth {
  /** Index of the lowest point after each collection (the post-collection floor), oldest first. */
  readonly troughs: readonly number[];
  /** The typical change of one collection, in the metric's unit. */
  readonly drop: number;
}

/** A collection must take at most this many intervals to count as one. */
const FALL_POINTS = 2;

/**
 * Finds a sawtooth: at least three sharp falls (each beyond 40 % of the series' range and six
 * times its point noise, within two intervals), separated by gradual climbs (no single step up
 * as large as half a fall, so repeated spikes are not mistaken for it). Undefined otherwise.
 */
export function findSawtooth(p: PreparedSeries): Sawtooth | undefined {
  // Collections free memory: usable or free memory jumps up where used memory falls.
  const sign = lowIsBad(p) ? -1 : 1;
  const v = p.values.map((x) => sign * x);
  const n = v.length;
  if (n < 20) return undefined;
  const sorted = Float64Array.from(v).sort();
  const range = quantileSorted(sorted, 0.95) - quantileSorted(sorted, 0.05);
  const noise = diffSigma(v);
  const threshold = Math.max(0.4 * range, 6 * noise);
  if (!(threshold > 0)) return undefined;
  const falls: Array<{ at: number; trough: number; size: number }> = [];
  for (let i = 0; i + 1 < n; i++) {
    let low = i + 1;
    for (let k = i + 2; k <= Math.min(n - 1, i + FALL_POINTS); k++) if ((v[k] ?? 0) < (v[low] ?? 0)) low = k;
    const size = (v[i] ?? 0) - (v[low] ?? 0);
    if (size < threshold) continue;
    falls.push({ at: i, trough: low, size });
    i = low;
  }
  if (falls.length < 3) return undefined;
  const spacing = ((falls[falls.length - 1]?.at ?? 0) - (falls[0]?.at ?? 0)) / (falls.length - 1);
  if (spacing < 4) return undefined;
  const drops = falls.map((f) => f.size).sort((a, b) => a - b);
  const drop = quantileSorted(drops, 0.5);
  // Climbs are gradual: the largest single step up between two falls stays well below a fall.
  let abrupt = 0;
  for (let c = 0; c + 1 < falls.length; c++) {
    let biggest = 0;
    for (let i = (falls[c]?.trough ?? 0) + 1; i <= (falls[c + 1]?.at ?? 0); i++)
      biggest = Math.max(biggest, (v[i] ?? 0) - (v[i - 1] ?? 0));
    if (biggest >= 0.5 * drop) abrupt++;
  }
  if (abrupt > (falls.length - 1) / 2) return undefined;
  return { troughs: falls.map((f) => f.trough), drop };
}

/**
 * A sawtooth is healthy while its floor holds: memory that every collection brings back to the
 * same level is garbage collection at work, however steep each climb looks. A leak shows as a
 * floor that keeps rising from one collection to the next (what survives a collection grows).
 */
export function sawtoothDetections(
  p: PreparedSeries,
  saw: Sawtooth,
  windowMs: number,
  limit?: number,
): Detection[] {
  const idx = saw.troughs;
  if (idx.length < 3) return [];
  const t0 = p.times[idx[0] ?? 0] ?? 0;
  const xs = idx.map((i) => ((p.times[i] ?? 0) - t0) / HOUR_MS);
  const floors = idx.map((i) => p.values[i] ?? 0);
  const rho = spearman(xs, floors);
  const { slope, intercept } = theilSen(xs, floors);
  const span = xs[xs.length - 1] ?? 0;
  const first = intercept;
  const last = intercept + slope * span;
  const util = utilisationOf(p);
  const sign = lowIsBad(p) ? -1 : 1;
  const worse = util ? util.used(last) - util.used(first) : sign * (last - first);
  if (worse <= 0 || sign * rho < 0.8) return [];
  let hoursLeft: number | undefined;
  if (util) {
    if (worse < 0.08) return [];
    hoursLeft = (util.full - util.used(last)) / (worse / Math.max(span, 1e-9));
  } else {
    if (worse < 0.15 * Math.abs(first)) return [];
    if (limit !== undefined && sign > 0 && limit > last && slope > 0) hoursLeft = (limit - last) / slope;
  }
  const tEnd = p.times[p.values.length - 1] ?? t0;
  const d = describer(p, windowMs);
  const pct = changePct(first, last);
  const critical =
    (hoursLeft !== undefined && hoursLeft <= 24) || (util !== undefined && util.used(last) >= util.crit);
  return [
    {
      key: p.label,
      metric: p.series.metric,
      kind: "memory",
      category: "memory_leak",
      severity: critical ? "critical" : "warning",
      anomaly: "leak",
      start: t0,
      end: tEnd,
      evidence: {
        anomaly: "leak",
        pattern: "sawtooth",
        fitted: "floor",
        baseline: d.num(first),
        level: d.num(last),
        ...(Number.isFinite(pct) ? { change_pct: d.num(pct) } : {}),
        growth_per_hour: d.num(slope),
        collections: idx.length,
        monotonicity: d.num(Math.abs(rho)),
        ...(hoursLeft !== undefined ? { projected_exhaustion_h: d.num(Math.max(0, hoursLeft)) } : {}),
        ...(limit !== undefined ? { limit: d.num(limit) } : {}),
      },
      summary: `${p.label}: the level left after each collection rose from ${d.v(first)} to ${d.v(last)} along its trend line (${d.change(first, last)}, ${d.rate(slope)}) over ${idx.length} collections since ${d.at(t0)}: memory that survives garbage collection keeps growing, a leak under the sawtooth${hoursLeft !== undefined ? `; at this rate it runs out in about ${d.dur(Math.max(0, hoursLeft) * HOUR_MS)}` : ""}`,
      magnitude: Math.abs(Math.log(Math.max(Math.abs(last), 1e-12) / Math.max(Math.abs(first), 1e-12))),
      priority: PRIORITY.leak,
    },
  ];
}
