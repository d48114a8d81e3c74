import type { Detection } from "./detection.js";
import { PRIORITY } from "./detection.js";
import { changePct, describer } from "./describe.js";
import { isBadDirection } from "./impact.js";
import type { PreparedSeries } from "./prepared-series.js";
import { madSigma, spearman, theilSen } from "./robust.js";
import type { SeriesModel } from "./series-model.js";
import { utilisationOf } from "./utilisation.js";

const HOUR_MS = 3_600_000;

/**
 * Where growth began: the hinge (flat, then a straight line) that fits the values best, tried
 * on a grid of candidate starts up to `latest`.
 */
function hingeStart(times: Float64Array, values: Float64Array, latest: number): number {
  const n = values.length;
  const step = Math.max(1, Math.floor(latest / 60));
  let best = 0;
  let bestSse = Number.POSITIVE_INFINITY;
  for (let tau = 0; tau <= latest; tau += step) {
    // Least squares of v = c + b·max(0, t − t_tau).
    const t0 = times[tau] ?? 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      const x = Math.max(0, (times[i] ?? 0) - t0) / HOUR_MS;
      const v = values[i] ?? 0;
      sx += x;
      sy += v;
      sxx += x * x;
      sxy += x * v;
    }
    const den = n * sxx - sx * sx;
    if (den <= 0) continue;
    const b = (n * sxy - sx * sy) / den;
    const c = (sy - b * sx) / n;
    let sse = 0;
    for (let i = 0; i < n; i++) {
      const r = (values[i] ?? 0) - c - b * (Math.max(0, (times[i] ?? 0) - t0) / HOUR_MS);
      sse += r * r;
    }
    if (sse < bestSse) {
      bestSse = sse;
      best = tau;
    }
  }
  return best;
}

/**
 * A memory leak: memory growing steadily and monotonically until the end of the window (a
 * hinge fit finds where it began; Theil–Sen slope, rank correlation with time, small scatter,
 * still growing in the last third). Reports the projected time to exhaustion when the resource
 * is bounded (a % metric, or a known limit).
 */
export function leakDetection(
  p: PreparedSeries,
  m: SeriesModel,
  from: number,
  limit?: number,
): Detection | undefined {
  if (p.kind !== "memory") return undefined;
  const n = p.values.length;
  if (n - from < 8) return undefined;
  const start = hingeStart(p.times, p.values, Math.max(0, Math.min(n - 8, from + Math.ceil((n - from) / 4))));
  const t0 = p.times[start] ?? 0;
  const tEnd = p.times[n - 1] ?? t0;
  const spanMs = tEnd - t0;
  if (spanMs < Math.max(10 * 60_000, 6 * p.intervalMs)) return undefined;
  const xs = Array.from(p.times.subarray(start), (t) => (t - t0) / HOUR_MS);
  const vs = p.values.subarray(start);
  const rho = spearman(xs, vs);
  const { slope, intercept } = theilSen(xs, vs);
  const sign: 1 | -1 = slope >= 0 ? 1 : -1;
  if (!isBadDirection(p, sign) || Math.abs(rho) < 0.8) return undefined;
  const first = intercept;
  const last = intercept + slope * (spanMs / HOUR_MS);
  const growth = last - first;
  const resid = vs.map((v, i) => v - (intercept + slope * (xs[i] ?? 0)));
  if (madSigma(resid) > 0.2 * Math.abs(growth)) return undefined;
  // A step levels off; a leak is still growing at the end.
  const third = Math.floor((2 * xs.length) / 3);
  const tail = theilSen(xs.slice(third), Array.from(vs.subarray(third)));
  if (tail.slope * sign < 0.5 * Math.abs(slope)) return undefined;

  const util = utilisationOf(p);
  let hoursLeft: number | undefined;
  let severity: "warning" | "critical" = "warning";
  if (util) {
    const usedNow = util.used(last);
    const usedRise = usedNow - util.used(first);
    if (usedRise < 0.08) return undefined;
    const usedSlope = usedRise / (spanMs / HOUR_MS);
    hoursLeft = usedSlope > 0 ? Math.max(0, (util.full - usedNow) / usedSlope) : undefined;
    if (usedNow >= util.crit) severity = "critical";
  } else {
    if (Math.abs(growth) < 0.15 * Math.abs(first)) return undefined;
    if (limit !== undefined && limit > last && slope > 0) hoursLeft = (limit - last) / slope;
  }
  if (hoursLeft !== undefined && hoursLeft <= 24) severity = "critical";
  const d = describer(p, m.windowMs);
  const pct = changePct(first, last);
  const projection =
    hoursLeft !== undefined ? `; at this rate it runs out in about ${d.dur(hoursLeft * HOUR_MS)}` : "";
  const current = p.values[n - 1] ?? last;
  let peak = vs[0] ?? 0;
  for (const v of vs) peak = sign > 0 ? Math.max(peak, v) : Math.min(peak, v);
  return {
    key: p.label,
    metric: p.series.metric,
    kind: "memory",
    category: "memory_leak",
    severity,
    anomaly: "leak",
    start: t0,
    end: tEnd,
    evidence: {
      anomaly: "leak",
      baseline: d.num(first),
      level: d.num(last),
      peak: d.num(peak),
      current: d.num(current),
      fitted: "trend",
      ...(Number.isFinite(pct) ? { change_pct: d.num(pct) } : {}),
      growth_per_hour: d.num(slope),
      monotonicity: d.num(Math.abs(rho)),
      duration_min: Math.round(spanMs / 60_000),
      ...(hoursLeft !== undefined ? { projected_exhaustion_h: d.num(hoursLeft) } : {}),
      ...(limit !== undefined ? { limit: d.num(limit) } : {}),
      ...(p.unit !== undefined ? { unit: p.unit } : {}),
    },
    summary: `${p.label} ${sign > 0 ? "grew" : "fell"} steadily from ${d.v(first)} to ${d.v(last)} along its trend line (${d.change(first, last)}, ${d.rate(slope)}) since ${d.at(t0)}, latest ${d.v(current)}: ${sign > 0 ? "memory use keeps growing" : `usable memory keeps falling, so memory use keeps growing,`} without levelling off, a memory leak pattern${projection}`,
    magnitude: Math.abs(Math.log(Math.max(Math.abs(last), 1e-12) / Math.max(Math.abs(first), 1e-12))),
    priority: PRIORITY.leak,
  };
}
