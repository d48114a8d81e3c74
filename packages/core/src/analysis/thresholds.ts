import type { Detection } from "./detection.js";
import { PRIORITY } from "./detection.js";
import { describer } from "./describe.js";
import { isShareUnit } from "./format-value.js";
import { categoryOf } from "./impact.js";
import type { PreparedSeries } from "./prepared-series.js";
import { quantileSorted, rollingMedian } from "./robust.js";
import { utilisationOf } from "./utilisation.js";

/** A CPU breach at warning level shorter than this, and over, is a busy moment (info). */
const BRIEF_CPU_MS = 30 * 60_000;

/** How far above its ordinary highs (or its level before) a CPU peak may go and still be a busy moment. */
const BUSY_REACH = 1.35;

/**
 * CPU gives back what it lends: a warning-level episode on CPU that is over, lasted less than
 * half an hour and peaked within reach of the series' ordinary highs (its level before, or the
 * window's 90th percentile) is a busy moment, told as info. A new spike far above the ordinary
 * stays a warning, and exhaustible resources (disk, memory, pools) keep their severity: what
 * filled once can fill again.
 */
export function busyMoment(
  p: PreparedSeries,
  episode: { critical: boolean; ongoing: boolean; durationMs: number; peak: number; ordinary: number },
): boolean {
  const { critical, ongoing, durationMs, peak, ordinary } = episode;
  return (
    p.kind === "cpu" &&
    !critical &&
    !ongoing &&
    durationMs < BRIEF_CPU_MS &&
    ordinary > 0 &&
    peak <= BUSY_REACH * ordinary
  );
}

/**
 * Saturation: a bounded resource (CPU, memory, disk, connection pool) held above its warning
 * share for a while. A rolling median keeps single noisy points from counting as a breach.
 * Repeated breaches in one window are one finding about the latest, with the count in evidence.
 */
export function thresholdDetections(p: PreparedSeries, windowMs: number): Detection[] {
  const util = utilisationOf(p);
  const n = p.values.length;
  if (!util || n < 3) return [];
  const width = Math.min(15, Math.max(3, Math.round(600_000 / p.intervalMs))) | 1;
  const used = rollingMedian(p.values.map(util.used), width);
  const minPoints = Math.max(3, Math.ceil(300_000 / p.intervalMs));
  const runs: Array<[number, number]> = [];
  let s = -1;
  for (let i = 0; i <= n; i++) {
    const above = i < n && (used[i] ?? 0) >= util.warn;
    if (above && s < 0) s = i;
    if (!above && s >= 0) {
      if (i - s >= Math.min(minPoints, n)) runs.push([s, i]);
      s = -1;
    }
  }
  const latest = runs[runs.length - 1];
  if (!latest) return [];
  const [from, to] = latest;
  let peakUsed = 0;
  let above = 0;
  // The breach is judged on the rolling median; its peak is the highest reading, as the series' max shows it.
  let peakAt = from;
  for (let i = from; i < to; i++) {
    peakUsed = Math.max(peakUsed, used[i] ?? 0);
    if ((used[i] ?? 0) >= util.crit) above++;
    if (util.used(p.values[i] ?? 0) > util.used(p.values[peakAt] ?? 0)) peakAt = i;
  }
  const critical = above >= Math.min(minPoints, to - from);
  const briefBusy = busyMoment(p, {
    critical,
    ongoing: to === n,
    durationMs: (p.times[to - 1] ?? 0) - (p.times[from] ?? 0),
    peak: p.values[peakAt] ?? 0,
    ordinary: quantileSorted(Float64Array.from(p.values).sort(), 0.9),
  });
  const threshold = critical ? util.crit : util.warn;
  const d = describer(p, windowMs);
  const startMs = p.times[from] ?? 0;
  const endMs = p.times[to - 1] ?? startMs;
  const current = p.values[n - 1] ?? 0;
  const ongoing = to === n;
  const peakRaw = p.values[peakAt] ?? 0;
  const rawPeakUsed = Math.round(util.used(peakRaw) * 100);
  const thresholdPct = Math.round(threshold * 100);
  const share = isShareUnit(p.unit);
  const lowIsBad = util.used(0) > util.used(1);
  const level = lowIsBad
    ? `stayed at or below ${d.v(util.raw(threshold))} (${thresholdPct}% or more used)`
    : share
      ? `held at or above ${d.v(util.raw(threshold))}`
      : `held at or above ${thresholdPct}% of its limit (${d.v(util.raw(threshold))})`;
  const peak = lowIsBad
    ? `down to ${d.v(peakRaw)} (${rawPeakUsed}% used)`
    : `peaking at ${d.v(peakRaw)}${share ? "" : ` (${rawPeakUsed}% used)`}`;
  const when = ongoing ? `since ${d.at(startMs)} and still does` : `from ${d.at(startMs)} to ${d.at(endMs)}`;
  return [
    {
      key: p.label,
      metric: p.series.metric,
      ...(p.kind !== undefined ? { kind: p.kind } : {}),
      category: categoryOf(p),
      severity: critical ? "critical" : briefBusy ? "info" : "warning",
      anomaly: "threshold",
      start: startMs,
      end: endMs,
      evidence: {
        anomaly: "threshold",
        threshold: d.num(util.raw(threshold)),
        threshold_used_pct: thresholdPct,
        threshold_level: critical ? "critical" : "warning",
        peak: d.num(peakRaw),
        current: d.num(current),
        used_pct: rawPeakUsed,
        ...(lowIsBad ? { low_is_bad: "yes" } : {}),
        duration_min: Math.round((endMs - startMs + p.intervalMs) / 60_000),
        breaches: runs.length,
      },
      summary: `${util.resource} saturation: ${p.label} ${level} ${when}, ${peak}${ongoing ? `; latest ${d.v(current)}` : ""}${runs.length > 1 ? ` (${runs.length} breaches in the window)` : ""}`,
      magnitude: Math.max(0, peakUsed - util.warn) * 5,
      priority: PRIORITY.threshold,
    },
  ];
}
