import type { Series } from "../evidence.js";
import { isLimitMetric, type MetricProfile } from "../metric-catalog.js";
import { parseUnit } from "../units/unit.js";
import { median } from "./robust.js";

/**
 * Cumulative counters read raw (a Prometheus `_total`, an OpenMetrics counter sent as a gauge)
 * only ever grow, except when the process restarts and they start again from about zero. Judged
 * as they are, every restart looks like a traffic collapse and every steady flow like a leak;
 * what they mean is their rate. This finds them by shape and turns them into per-second rates,
 * so that a reset is no drop.
 */

/** Names that promise a running total. */
const TOTAL_NAME = /([._]total|_count|_sum|[._]created)$/;
/** Names that say "total" outright: such a counter may stand still through a whole window. */
const SAYS_TOTAL = /[._]total$/;
/**
 * Datadog metric types whose points are already per interval (`count`) or per second (`rate`):
 * the agent has taken the difference, so such a series is never a running total, whatever its name.
 */
const PER_INTERVAL_TYPES = new Set(["count", "rate", "distribution"]);
/** Descriptions that say a value accumulates: "since the process started", "cumulative", "running total". */
const TOTAL_DESCRIPTION =
  /\b(since (the )?(start|startup|boot|launch|restart)|cumulative|running total|monotonic)/i;
/** An unhinted series must show this many points of pure accumulation (no fall at all) to count as a counter. */
const UNHINTED_POINTS = 30;
/** Kinds whose values are levels that may climb steadily for hours without being counters. */
const LEVEL_KINDS = new Set(["memory", "disk", "cpu", "latency", "saturation", "gc"]);
/** A fall to under half the previous value is a restart of the counter, not noise. */
const RESET_FRACTION = 0.5;

export interface CounterShape {
  /** Times (epoch ms) where the counter started again from about zero. */
  readonly resets: readonly number[];
}

/**
 * Whether a series is a cumulative counter: it never falls except to restart from about zero,
 * it climbs, and its values dwarf its increments (it has been accumulating far longer than one
 * interval). A name ending in `_total`/`_count` suffices as a hint; without one, only errors,
 * requests and restarts qualify (levels such as memory or disk also climb steadily).
 */
export function counterShape(series: Series, profile: MetricProfile | undefined): CounterShape | undefined {
  const name = series.metric.toLowerCase();
  // A limit ("system.disk.total", "max_connections") is a level, whatever its name ends with.
  if (isLimitMetric(series.metric)) return undefined;
  // Metadata that says count or rate settles it: the points are increments already
  // ("airflow.scheduler.tasks.killed_externally" reading 0, 1, 0 is no counter restarting).
  if (profile?.type !== undefined && PER_INTERVAL_TYPES.has(profile.type)) return undefined;
  const hinted = TOTAL_NAME.test(name) || TOTAL_DESCRIPTION.test(profile?.description ?? "");
  // Memory, disk, CPU and latency climb steadily for hours without being counters.
  const steadyLevel = profile !== undefined && LEVEL_KINDS.has(profile.kind) && profile.kind !== "saturation";
  if (!hinted && steadyLevel) return undefined;
  const points = series.points.filter(
    (p): p is readonly [number, number] => p[1] !== null && Number.isFinite(p[1]),
  );
  if (points.length < 8) return undefined;
  const resets: number[] = [];
  const increments: number[] = [];
  let decreases = 0;
  for (let i = 1; i < points.length; i++) {
    const [t, v] = points[i] as readonly [number, number];
    const prev = (points[i - 1] as readonly [number, number])[1];
    const d = v - prev;
    if (d >= 0) increments.push(d);
    else if (v < RESET_FRACTION * prev) resets.push(t);
    else decreases++;
  }
  // A counter never goes down but to restart; a gauge wanders both ways. A total summed over
  // pods falls a little, once or twice, when a rollout swaps them: with a name that says total
  // and a climb at nearly every point, such a rare fall is a partial restart, not a gauge.
  const risingShare = increments.filter((d) => d > 0).length / (points.length - 1);
  const partialRestarts = hinted && risingShare >= 0.9 && decreases <= Math.max(1, points.length / 100);
  if ((decreases > 0 && !partialRestarts) || resets.length > Math.max(1, points.length / 20))
    return undefined;
  // Unhinted, a fall counts as a restart only when it lands near zero.
  const nearZero = resets.every((t) => {
    const i = points.findIndex(([pt]) => pt === t);
    const prev = points[i - 1]?.[1] ?? 0;
    return (points[i]?.[1] ?? 0) <= 0.1 * prev;
  });
  // Counters of rare events (a few errors an hour) mostly stand still between increments; a
  // name that says "total" never rises by chance, so standing still is enough for it.
  const rising = increments.filter((d) => d > 0);
  // Only a name that says "total" may stand still: a gauge named "..._count" that never climbs is a
  // level of things ("activemq.queue.consumer_count" at 8, then 0), not a total that restarted.
  const standsStill = SAYS_TOTAL.test(name) || TOTAL_DESCRIPTION.test(profile?.description ?? "");
  if (hinted && standsStill && rising.length < 3) return { resets };
  if (rising.length < 3) return undefined;
  if (!hinted && (points.length < UNHINTED_POINTS || !nearZero)) return undefined;
  const step = median(Float64Array.from(rising));
  const level = median(Float64Array.from(points.map(([, v]) => v)));
  // Accumulated far longer than one interval, unless it was only just (re)started.
  if (!(step > 0) || (level < 20 * step && resets.length === 0)) return undefined;
  return { resets };
}

/**
 * What a cumulative counter added in each interval, like Datadog's `.as_count()`: small counts
 * keep the statistics of counts (a few errors an hour), and the interval of a restart has no value.
 */
export function counterRate(
  series: Series,
  shape: CounterShape,
  unit: string | undefined,
  kind?: string,
): Series {
  const points: Array<[number, number | null]> = [];
  let prev: readonly [number, number] | undefined;
  for (const [t, v] of series.points) {
    if (v === null || !Number.isFinite(v)) {
      points.push([t, null]);
      continue;
    }
    // Across a restart the counter's loss is unknown: that interval is left out, never read as a fall.
    if (prev) points.push([t, v >= prev[1] ? v - prev[1] : null]);
    prev = [t, v];
  }
  // A counter without a unit counts what its kind says: errors, requests.
  const base =
    parseUnit(unit) ?? parseUnit(kind === "errors" ? "error" : kind === "requests" ? "request" : undefined);
  const name = base?.name ?? "";
  return {
    ...series,
    points,
    unit: name,
    source_unit: { name },
    derived:
      shape.resets.length > 0
        ? `a running counter, read as its increase per interval; it restarted from zero ${shape.resets.length === 1 ? "once" : `${shape.resets.length} times`} in the window (a process restart), which is no drop`
        : "a running counter, read as its increase per interval",
  };
}
