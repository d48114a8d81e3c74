import type { DrillFindings } from "./drilldown/drill-down.js";
import type { Finding } from "./finding.js";
import type { SignalKind } from "./metric-catalog.js";

/** What a bounded resource is, in the words an answer uses for it. */
export type Resource =
  "CPU" | "memory" | "disk" | "connection pool" | "threads" | "file descriptors" | "queue" | "capacity";

/** Descriptive statistics of one series over the window. */
export interface SeriesStats {
  readonly metric: string;
  readonly query: string;
  readonly group: readonly string[];
  readonly kind?: SignalKind;
  readonly unit?: string;
  readonly count: number;
  /** Points with no value (nulls) plus missing intervals. */
  readonly gaps: number;
  readonly current: number | null;
  readonly mean: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  /** Least-squares slope per hour, in the series' unit. */
  readonly slope_per_hour: number | null;
  /** % change of the mean of the last fifth of the window against the first fifth. */
  readonly change_pct: number | null;
  /** The same change in the series' unit (percentage points for a percent or fraction). */
  readonly change_abs?: number | null;
  /** How the series was derived from what was read ("per-second rate of a cumulative counter (1 restart…)"). */
  readonly derived?: string;
}

/**
 * Where a bounded resource (CPU, memory, disk, a connection pool) is heading: its use now, its
 * trend and, when it rises, when it reaches its critical threshold and when it is full.
 */
export interface Forecast {
  /** Metric with group, e.g. "system.disk.in_use{host:db-1}". */
  readonly series: string;
  readonly metric: string;
  readonly resource: Resource;
  readonly unit?: string;
  /** The latest reading in the metric's unit (the key-series table's "current"). */
  readonly current: number;
  /** The latest reading as a used share in [0, 1] (usable memory and idle CPU turned around). */
  readonly used_now: number;
  /** The critical threshold as a used share. */
  readonly threshold_used: number;
  /** The metric measures what is left (usable memory, idle CPU): low is bad. */
  readonly low_is_bad?: boolean;
  /** Trend of the used share in percentage points per hour; absent when there is no steady trend. */
  readonly trend_pp_per_hour?: number;
  /** Hours until the critical threshold and until full at that trend; absent when not rising. */
  readonly hours_to_threshold?: number;
  readonly hours_to_full?: number;
  /** How far ahead the trend is trusted: as far as the window looked back, in hours. */
  readonly horizon_h: number;
  /**
   * The threshold (as a used share) a finding shows the resource held beyond up to the window's
   * end — the warning or the critical one — even when its latest reading dips under it.
   */
  readonly breached?: number;
  /** The finding whose projection or breach (a leak, a filling disk, saturation) this forecast repeats. */
  readonly finding?: string;
}

/** What the analysis of the evidence produced, handed to both reasoners. */
export interface AnalysisResult {
  readonly findings: readonly Finding[];
  readonly stats: readonly SeriesStats[];
  /** Share of planned reads that returned data, in [0, 1]. */
  readonly coverage: number;
  /** Plan steps that failed, as "tool subject: reason". */
  readonly missing: readonly string[];
  /** Where each bounded resource read is heading (time to its threshold), for capacity questions. */
  readonly forecasts?: readonly Forecast[];
  /** Series judged against the same window a day or a week earlier, and metrics whose history could not be read. */
  readonly history?: { readonly compared: readonly string[]; readonly unavailable: readonly string[] };
  /** Where the drill-down rounds placed the problem (which endpoint, host, version…), when any ran or were asked for. */
  readonly drill?: DrillFindings;
}
