import type { Finding } from "./finding.js";
import type { SignalKind } from "./metric-catalog.js";

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
}

/** What the analysis of the evidence produced, handed to both reasoners. */
export interface AnalysisResult {
  readonly findings: readonly Finding[];
  readonly stats: readonly SeriesStats[];
  /** Share of planned reads that returned data, in [0, 1]. */
  readonly coverage: number;
  /** Plan steps that failed, as "tool subject: reason". */
  readonly missing: readonly string[];
}
