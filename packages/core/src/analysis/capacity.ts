import type { Detection } from "./detection.js";
import { PRIORITY } from "./detection.js";
import { changePct, describer } from "./describe.js";
import { categoryOf, changeSeverity, isBadDirection } from "./impact.js";
import { leakDetection } from "./leak.js";
import type { PreparedSeries } from "./prepared-series.js";
import { scatterAbout, theilSen } from "./robust.js";
import type { SeriesModel } from "./series-model.js";
import { utilisationOf } from "./utilisation.js";

const HOUR_MS = 3_600_000;
/** How far ahead a filling resource is worth reporting. */
const HORIZON_H = 7 * 24;

/**
 * Window-long trends: a leak on memory, a bounded resource filling up (with the projected time
 * until it is full), or a ramp on anything else when it outpaces any daily cycle.
 */
export function trendDetections(p: PreparedSeries, m: SeriesModel, memoryLimit?: number): Detection[] {
  const trend = m.trend;
  const n = p.values.length;
  if (!trend || n < 8) return [];
  const sign: 1 | -1 = trend.slopePerHour > 0 ? 1 : -1;
  if (!isBadDirection(p, sign)) return [];
  if (p.kind === "memory") {
    const leak = leakDetection(p, m, 0, memoryLimit);
    if (leak) return [leak];
  }
  const t0 = p.times[0] ?? 0;
  const tEnd = p.times[n - 1] ?? t0;
  const xs = Array.from(p.times, (t) => (t - t0) / HOUR_MS);
  const { slope, intercept } = theilSen(xs, p.values);
  const first = intercept;
  const last = intercept + slope * ((tEnd - t0) / HOUR_MS);
  const d = describer(p, m.windowMs);
  const pct = changePct(first, last);
  const util = utilisationOf(p);
  const current = p.values[n - 1] ?? last;
  const base = {
    key: p.label,
    metric: p.series.metric,
    ...(p.kind !== undefined ? { kind: p.kind } : {}),
    start: t0,
    end: tEnd,
  };
  // Only storage fills up for good; CPU, memory and pools rise and fall with load and are judged by thresholds.
  if (util && p.kind === "disk") {
    const usedNow = util.used(last);
    const usedSlope = (usedNow - util.used(first)) / Math.max((tEnd - t0) / HOUR_MS, 1e-9);
    if (usedSlope <= 0) return [];
    const toFull = (util.full - usedNow) / usedSlope;
    const toCrit = Math.max(0, (util.crit - usedNow) / usedSlope);
    if (toCrit > HORIZON_H || usedNow < 0.5) return [];
    // A rise smaller than the readings' own scatter about the line is no evidence of filling.
    const scatter = scatterAbout(xs, p.values, { slope, intercept });
    if (Math.abs(last - first) < 3 * scatter) return [];
    return [
      {
        ...base,
        category: "capacity",
        severity: toFull <= 24 ? "critical" : "warning",
        anomaly: "trend",
        evidence: {
          anomaly: "trend",
          baseline: d.num(first),
          level: d.num(last),
          current: d.num(current),
          fitted: "trend",
          ...(Number.isFinite(pct) ? { change_pct: d.num(pct) } : {}),
          growth_per_hour: d.num(slope),
          threshold_used_pct: Math.round(util.crit * 100),
          used_pct: Math.round(usedNow * 100),
          projected_full_h: d.num(Math.max(0, toFull)),
          projected_threshold_h: d.num(toCrit),
        },
        summary: `${util.resource} filling up: ${p.label} ${last < first ? "fell" : "rose"} steadily from ${d.v(first)} to ${d.v(last)} along its trend line (${d.change(first, last)}, ${d.rate(slope)}) over the window, latest ${d.v(current)}; at this rate it reaches ${Math.round(util.crit * 100)}% used in ${d.dur(toCrit * HOUR_MS)} and is full in ${d.dur(Math.max(0, toFull) * HOUR_MS)}`,
        magnitude: Math.abs(trend.change),
        priority: PRIORITY.trend,
      },
    ];
  }
  // Disk bytes with no known size still fill up: steady growth by a fifth is worth planning for, however slow.
  if (p.kind === "disk" && !util) {
    if (!(first > 0) || last < 1.2 * first || p.profile?.higherIsWorse === false) return [];
    return [
      {
        ...base,
        category: "capacity",
        severity: "warning",
        anomaly: "trend",
        evidence: {
          anomaly: "trend",
          baseline: d.num(first),
          level: d.num(last),
          current: d.num(current),
          fitted: "trend",
          ...(Number.isFinite(pct) ? { change_pct: d.num(pct) } : {}),
          growth_per_hour: d.num(slope),
        },
        summary: `Disk filling up: ${p.label} rose steadily from ${d.v(first)} to ${d.v(last)} along its trend line (${d.change(first, last)}, ${d.rate(slope)}) over the window, latest ${d.v(current)}; its size is unknown, so when it fills cannot be projected (read the disk's total to know)`,
        magnitude: Math.abs(trend.change),
        priority: PRIORITY.trend,
      },
    ];
  }
  if (Math.abs(trend.slopePerHour) < m.speedMin) return [];
  const severity = changeSeverity(p, first, last);
  if (!severity || severity === "info") return [];
  return [
    {
      ...base,
      category: categoryOf(p),
      severity,
      anomaly: "ramp",
      evidence: {
        anomaly: "ramp",
        baseline: d.num(first),
        level: d.num(last),
        current: d.num(current),
        fitted: "trend",
        ...(Number.isFinite(pct) ? { change_pct: d.num(pct) } : {}),
        growth_per_hour: d.num(slope),
      },
      summary: `${p.label} ${sign > 0 ? "climbed" : "fell"} steadily from ${d.v(first)} to ${d.v(last)} along its trend line (${d.change(first, last)}, ${d.rate(slope)}) across the whole window, latest ${d.v(current)}`,
      magnitude: Math.abs(trend.change),
      priority: PRIORITY.ramp,
    },
  ];
}

/** The last part of a window a filling projection reads, when the climb began inside it. */
const RECENT_SHARE = 1 / 3;

/**
 * A disk whose climb began inside the window (no window-long trend to project): its recent
 * slope (Theil–Sen over the last third, or since the climb began) projected to its critical
 * threshold and to full. Reported when that is within a week and it is already half used —
 * a disk that fills in days is worth planning for even before any threshold is crossed.
 */
export function fillingDetection(p: PreparedSeries, windowMs: number, since?: number): Detection | undefined {
  const util = utilisationOf(p);
  const n = p.values.length;
  if (!util || p.kind !== "disk" || n < 8) return undefined;
  const startIndex = Math.max(
    0,
    since !== undefined ? p.times.findIndex((t) => t >= since) : Math.floor(n * (1 - RECENT_SHARE)),
  );
  const from = Math.min(startIndex, n - 8);
  const t0 = p.times[from] ?? 0;
  const tEnd = p.times[n - 1] ?? t0;
  const xs = Array.from(p.times.subarray(from), (t) => (t - t0) / HOUR_MS);
  const ys = Array.from(p.values.subarray(from), (v) => util.used(v));
  const { slope, intercept } = theilSen(xs, ys);
  const usedNow = intercept + slope * ((tEnd - t0) / HOUR_MS);
  if (!(slope > 0) || usedNow < 0.5) return undefined;
  // The climb must stand out of the readings' scatter about its line: noise on a flat disk has a slope too.
  const scatter = scatterAbout(xs, ys, { slope, intercept });
  if (slope * ((tEnd - t0) / HOUR_MS) < 3 * scatter) return undefined;
  const toCrit = Math.max(0, (util.crit - usedNow) / slope);
  const toFull = Math.max(0, (util.full - usedNow) / slope);
  if (toCrit > HORIZON_H) return undefined;
  const d = describer(p, windowMs);
  const current = p.values[n - 1] ?? 0;
  return {
    key: p.label,
    metric: p.series.metric,
    ...(p.kind !== undefined ? { kind: p.kind } : {}),
    category: "capacity",
    severity: toFull <= 24 ? "critical" : "warning",
    anomaly: "trend",
    start: t0,
    end: tEnd,
    evidence: {
      anomaly: "trend",
      current: d.num(current),
      fitted: "trend",
      used_pct: Math.round(usedNow * 100),
      growth_pp_per_hour: d.num(slope * 100),
      threshold_used_pct: Math.round(util.crit * 100),
      projected_threshold_h: d.num(toCrit),
      projected_full_h: d.num(toFull),
    },
    summary: `${util.resource} filling up: ${p.label} has been climbing since ${d.at(t0)} (${Math.round(usedNow * 100)}% used now, +${Math.round(slope * 1000) / 10} pp/h); at this rate it reaches ${Math.round(util.crit * 100)}% used in ${d.dur(toCrit * HOUR_MS)} and is full in ${d.dur(toFull * HOUR_MS)}`,
    magnitude: Math.min(3, 1 + (HORIZON_H - toCrit) / HORIZON_H),
    priority: PRIORITY.trend,
  };
}
