import type { Severity } from "../finding.js";
import type { Anomaly, Detection } from "./detection.js";
import { PRIORITY } from "./detection.js";
import { changePct, describer } from "./describe.js";
import { isShareUnit } from "./format-value.js";
import { findExcursions, type Excursion } from "./excursions.js";
import { categoryOf, changeSeverity, isBadDirection } from "./impact.js";
import { leakDetection } from "./leak.js";
import { findLevelShifts, withLevelShifts } from "./level-shifts.js";
import { returnsToStart } from "./returns-to-start.js";
import { busyMoment } from "./thresholds.js";
import type { PreparedSeries } from "./prepared-series.js";
import { diffSigma, median, quantileSorted } from "./robust.js";
import type { SeriesModel } from "./series-model.js";

/** An excursion must be this unlikely as noise (|Δ|/σ·√n) to be reported. */
const MIN_Z = 6;

interface Numbers {
  readonly baseline: number;
  readonly level: number;
  readonly peak: number;
}

function numbersOf(p: PreparedSeries, m: SeriesModel, ex: Excursion, others: readonly Excursion[]): Numbers {
  const len = ex.end - ex.start;
  let from = ex.start;
  let to = ex.end;
  if (ex.fromStart) to = Math.min(ex.end, ex.start + Math.max(5, Math.ceil(ex.start / 2)));
  else if (ex.sustained) from = Math.max(ex.start, ex.end - Math.max(1, Math.ceil(len / 3)));
  // The level a window's opening run gave way to is read where the series settled, not inside
  // another episode that began as it ended (an outage right after the window opened).
  const elsewhere = (i: number): boolean =>
    ex.fromStart && others.some((o) => o !== ex && !o.fromStart && i >= o.start && i < o.end);
  const indices: number[] = [];
  for (let i = from; i < ex.end && indices.length < to - from; i++) if (!elsewhere(i)) indices.push(i);
  if (indices.length === 0) for (let i = from; i < to; i++) indices.push(i);
  const base: number[] = [];
  const level: number[] = [];
  for (const i of indices) {
    base.push(p.toRaw(ex.before + (m.smooth[i] ?? 0)));
    level.push(p.values[i] ?? 0);
  }
  let peak = ex.sign > 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (let i = ex.start; i < (ex.fromStart ? to : ex.end); i++) {
    const v = p.values[i] ?? 0;
    peak = ex.sign > 0 ? Math.max(peak, v) : Math.min(peak, v);
  }
  return { baseline: median(base), level: median(level), peak };
}

function anomalyOf(p: PreparedSeries, ex: Excursion): Anomaly {
  if (!ex.sustained) {
    if (ex.sign > 0) return p.kind === "errors" ? "burst" : "spike";
    return p.kind === "requests" ? "drop" : "dip";
  }
  return ex.sharp ? "step" : "ramp";
}

function exceedsHistory(p: PreparedSeries, ex: Excursion, level: number): boolean {
  if (ex.start < 10) return false;
  const before = Array.from(p.values.subarray(0, ex.onset > 0 ? ex.onset : ex.start)).sort((a, b) => a - b);
  if (before.length === 0) return false;
  return ex.sign > 0 ? level > quantileSorted(before, 0.99) : level < quantileSorted(before, 0.01);
}

/**
 * Joins a stair to the climb it leads into: an abrupt-looking run that ends where a gradual run
 * in the same direction begins, reaching beyond it, is not a spike but the first part of one
 * climb. The climb is abrupt (or fast) only if that first stair was and carried at least half
 * of it; a staircase that noise cut out of a smooth rise (a morning's traffic) is not. A real
 * step landing on a drift keeps its own start.
 */
function joinStairs(found: readonly Excursion[]): Excursion[] {
  const list = [...found];
  const out: Excursion[] = [];
  for (let i = 0; i < list.length; i++) {
    const ex = list[i] as Excursion;
    const next = list[i + 1];
    const stair =
      next !== undefined &&
      !ex.sustained &&
      (ex.sharp || ex.fast) &&
      !next.sharp &&
      next.start === ex.end &&
      next.sign === ex.sign &&
      (next.after - ex.after) * ex.sign > 0;
    if (!next || !stair) {
      out.push(ex);
      continue;
    }
    const leads = Math.abs(ex.after - ex.before) >= 0.5 * Math.abs(next.after - ex.before);
    list[i + 1] = {
      ...next,
      start: ex.start,
      before: ex.before,
      sharp: ex.sharp && leads,
      fast: next.fast || (ex.fast && leads),
      onset: Math.min(ex.onset, next.onset),
      z: Math.max(ex.z, next.z),
    };
  }
  return out;
}

/**
 * Spikes, dips, bursts, steps and ramps of one series: excursions in the bad direction that are
 * abrupt (or faster than a daily cycle), unlikely as noise and large enough to matter.
 * A slow drift is kept only as support for a threshold breach or a leak on the same series.
 */
export function excursionDetections(p: PreparedSeries, m: SeriesModel, memoryLimit?: number): Detection[] {
  const out: Detection[] = [];
  const d = describer(p, m.windowMs);
  const n = p.values.length;
  // With no daily cycle taken out, the window's usual level is a poor yardstick: also judge big jumps locally.
  const found = m.cycle.accepted ? findExcursions(m) : withLevelShifts(findExcursions(m), findLevelShifts(m));
  const joined = joinStairs(found);
  for (const ex of joined) {
    if (!isBadDirection(p, ex.sign)) continue;
    // Without a daily cycle taken out, a lasting change back to where the window began, no faster
    // than a daily cycle moves, is the series returning (the cycle's other half), not a new level.
    if (!m.cycle.accepted && ex.sustained && !ex.fromStart && !ex.fast && returnsToStart(found, ex)) continue;
    // One or two points carry no shape, only height: they must stand out further.
    if (ex.z < (ex.end - ex.start <= 2 ? 8 : MIN_Z)) continue;
    if (
      ex.sustained &&
      !ex.fromStart &&
      ex.end - ex.start < 2 &&
      Math.abs(ex.after - ex.before) < 10 * m.noise
    )
      continue;
    const nums = numbersOf(p, m, ex, joined);
    // A few points judged on the log scale alone can be a deep trough of ordinary noise; check the raw scale too.
    const len = ex.end - ex.start;
    if (len <= 3 && !ex.fromStart) {
      const around = p.values.subarray(Math.max(0, ex.start - 30), Math.min(n, ex.end + 30));
      const rawNoise = Math.max(diffSigma(around), 1e-12);
      if ((Math.abs(nums.level - nums.baseline) / rawNoise) * Math.sqrt(len) < 6) continue;
    }
    const startMs = p.times[ex.sharp || ex.fromStart ? ex.start : ex.onset] ?? 0;
    const endMs = p.times[Math.max(0, ex.end - 1)] ?? startMs;
    const lastMs = p.times[n - 1] ?? endMs;

    if (p.kind === "memory" && ex.sustained) {
      const leak = leakDetection(p, m, ex.onset, memoryLimit);
      if (leak) {
        out.push(leak);
        continue;
      }
    }
    // Where no daily cycle is modelled, a gradual climb that ends inside the range the series already
    // covered before it is ordinary variation (a cycle the window is too short to show), not a new level.
    const gradual = ex.sustained && !ex.sharp && !ex.fromStart && ex.start >= 10;
    if (gradual && !m.cycle.accepted && !exceedsHistory(p, ex, nums.level)) continue;
    const abrupt = ex.sharp || ex.fast;
    let severity: Severity | undefined = changeSeverity(p, nums.baseline, nums.level);
    let supporting = false;
    if (!abrupt) {
      const slowButLarge =
        ex.sustained &&
        m.windowMs >= 20 * 3_600_000 &&
        Math.abs(ex.after - ex.before) >= Math.log(1.5) &&
        exceedsHistory(p, ex, nums.level);
      if (!slowButLarge) supporting = true;
    }
    if (severity === undefined) {
      supporting = true;
      severity = "info";
    }
    if (supporting && !ex.sustained) continue;
    if (
      severity === "warning" &&
      busyMoment(p, {
        critical: false,
        ongoing: ex.sustained,
        durationMs: endMs - startMs + p.intervalMs,
        peak: nums.peak,
        ordinary: nums.baseline,
      })
    )
      severity = "info";
    const anomaly = anomalyOf(p, ex);
    const pct = changePct(nums.baseline, nums.level);
    const verb: Record<Anomaly, string> = {
      spike: "spiked",
      burst: "rose in a burst",
      dip: "dipped",
      drop: "dropped",
      step: ex.sign > 0 ? "stepped up" : "stepped down",
      ramp: ex.sign > 0 ? "ramped up" : "ramped down",
    } as Record<Anomaly, string>;
    // Ongoing: from its start to the latest point (as "since 03:08" reads at 03:50); a closed episode spans its points.
    const durationMs = ex.sustained ? lastMs - startMs : endMs - startMs + p.intervalMs;
    const tail = ex.sustained
      ? `since ${d.at(startMs)} and is still there (${d.dur(durationMs)})`
      : `at ${d.at(startMs)} for ${d.dur(durationMs)}`;
    const shown = ex.sustained ? nums.level : nums.peak;
    // Requests falling to nothing is an outage, not a traffic dip.
    const dead =
      p.kind === "requests" && ex.sign < 0 && nums.baseline >= 10 && nums.level <= 0.01 * nums.baseline;
    out.push({
      key: p.label,
      metric: p.series.metric,
      ...(p.kind !== undefined ? { kind: p.kind } : {}),
      category: dead ? "availability" : categoryOf(p),
      severity: dead ? "critical" : severity,
      anomaly,
      start: startMs,
      end: ex.sustained ? lastMs : endMs,
      evidence: {
        anomaly,
        baseline: d.num(nums.baseline),
        level: d.num(nums.level),
        peak: d.num(nums.peak),
        ...(Number.isFinite(pct) ? { change_pct: d.num(pct) } : {}),
        duration_min: Math.round(durationMs / 60_000),
        ...(ex.sustained ? { current: d.num(p.values[n - 1] ?? nums.level) } : {}),
        z: Math.round(ex.z),
        ...(p.unit !== undefined ? { unit: p.unit } : {}),
      },
      summary: `${dead ? "Traffic stopped: " : ""}${p.label} ${verb[anomaly] ?? anomaly} from ${d.v(nums.baseline)} to ${d.v(shown)}${Number.isFinite(pct) || isShareUnit(p.unit) ? ` (${d.change(nums.baseline, shown)})` : ""} ${tail}`,
      magnitude: Math.abs(ex.after - ex.before),
      priority: PRIORITY[anomaly],
      ...(supporting ? { supporting: true } : {}),
    });
  }
  return out;
}
