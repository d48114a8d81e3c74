import type { SignalKind } from "../metric-catalog.js";
import type { Detection } from "./detection.js";
import { PRIORITY } from "./detection.js";
import { describer } from "./describe.js";
import type { PreparedSeries } from "./prepared-series.js";
import { utilisationOf } from "./utilisation.js";
import { isConsumedFlow } from "./zero-detections.js";

/** Signals whose normal resting value is 0. */
const QUIET_AT_ZERO: ReadonlySet<SignalKind> = new Set<SignalKind>([
  "errors",
  "saturation",
  "restarts",
  "gc",
]);

/** The chance that two independent Poisson counts with mean `lambda` are equal: Σ P(k)². */
function poissonTie(lambda: number): number {
  if (lambda <= 0) return 1;
  let p = Math.exp(-lambda);
  let sum = p * p;
  const last = Math.ceil(lambda + 10 * Math.sqrt(lambda) + 10);
  for (let k = 1; k <= last; k++) {
    p *= lambda / k;
    sum += p * p;
  }
  return sum;
}

/** Mean of the values just before and after [from, to), as many as the run is long on each side. */
function levelAround(v: Float64Array, from: number, to: number): number {
  const len = to - from;
  let sum = 0;
  let count = 0;
  for (let i = Math.max(0, from - len); i < Math.min(v.length, to + len); i++) {
    if (i >= from && i < to) continue;
    sum += v[i] ?? 0;
    count++;
  }
  return count > 0 ? sum / count : (v[from] ?? 0);
}

/** How unlikely a run of identical values must be, given how often neighbours are equal elsewhere. */
const MAX_CHANCE = 1e-6;

function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * A flat line: the series stuck on one value for a stretch where it varied before (a hung
 * agent, a stuck gauge). The run must be improbable given how often consecutive values are
 * equal elsewhere, so sparse counters that sit at 0 are not flagged.
 */
export function flatLineDetections(p: PreparedSeries, windowMs: number): Detection[] {
  const v = p.values;
  const n = v.length;
  // A stuck gauge is a reading that stopped moving; a counter's increase per interval is computed,
  // and a stuck counter shows as zero increase (quiet errors, or traffic falling to nothing).
  if (n < 10 || p.series.derived !== undefined) return [];
  let best: [number, number] | undefined;
  let s = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && same(v[i] ?? 0, v[i - 1] ?? 0)) continue;
    if (!best || i - s > best[1] - best[0]) best = [s, i];
    s = i;
  }
  if (!best) return [];
  const [from, to] = best;
  const len = to - from;
  const minMs = Math.max(10 * 60_000, 3 * p.intervalMs);
  const startMs = p.times[from] ?? 0;
  const endMs = p.times[to - 1] ?? startMs;
  if (len < 5 || endMs - startMs + p.intervalMs < minMs) return [];
  let equal = 0;
  let pairs = 0;
  for (let i = 1; i < n; i++) {
    if (i > from && i < to) continue;
    pairs++;
    if (same(v[i] ?? 0, v[i - 1] ?? 0)) equal++;
  }
  if (pairs < 5) return [];
  // A small count repeats by chance (a counter near 1 error a minute often reads 1, 1, 1): judge its
  // run by how often Poisson counts at the level around it repeat, when that is likelier than elsewhere.
  const pEqual = Math.max(
    (equal + 1) / (pairs + 2),
    p.scale === "sqrt" ? poissonTie(levelAround(v, from, to)) : 0,
  );
  if ((len - 1) * Math.log(pEqual) > Math.log(MAX_CHANCE)) return [];
  const value = v[from] ?? 0;
  // Pinned at the top is saturation (a CPU at 100 %), and errors, queues or restarts resting at 0 are quiet,
  // not stuck. A CPU, latency or memory reading exactly 0 after varying is a reporter that stopped measuring.
  const util = utilisationOf(p);
  if (util && util.used(value) >= 0.999) return [];
  // A pool or queue pinned at (about) the highest it has been is at its ceiling (max children, max
  // connections), not a stuck reporter: the climb to it tells the story.
  if (p.kind === "saturation" && from > 0 && value > 0 && value >= 0.9 * Math.max(...v.subarray(0, from)))
    return [];
  if (value === 0 && (p.kind === undefined || QUIET_AT_ZERO.has(p.kind))) return [];
  // A count of events per interval (Datadog type count or rate) at 0 is no events, not a stuck
  // reporter: "leadership lost" or "tasks killed" reading 0 for hours is the healthy state.
  if (value === 0 && (p.profile?.type === "count" || p.profile?.type === "rate")) return [];
  // What is left (free space, usable memory) reading exactly 0 has run out: nothing left to vary.
  if (value === 0 && p.profile?.higherIsWorse === false) return [];
  // Work taken off a queue at 0 is no stuck reporter: the zero detection tells it (consumers stopped).
  if (value === 0 && p.kind === "requests" && isConsumedFlow(p.series.metric)) return [];
  const d = describer(p, windowMs);
  const ongoing = to === n;
  return [
    {
      key: p.label,
      metric: p.series.metric,
      ...(p.kind !== undefined ? { kind: p.kind } : {}),
      category: "availability",
      severity: "warning",
      anomaly: "flatline",
      start: startMs,
      end: endMs,
      evidence: {
        anomaly: "flatline",
        value: d.num(value),
        points: len,
        duration_min: Math.round((endMs - startMs + p.intervalMs) / 60_000),
      },
      summary: `${p.label} has been stuck at exactly ${d.v(value)} ${ongoing ? `since ${d.at(startMs)}` : `from ${d.at(startMs)} to ${d.at(endMs)}`} (${len} identical points) after varying before: a hung reporter or a stuck gauge`,
      magnitude: Math.min(3, len / 20),
      priority: PRIORITY.flatline,
    },
  ];
}
