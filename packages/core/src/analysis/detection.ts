import type { FindingCategory, Severity } from "../finding.js";
import type { SignalKind } from "../metric-catalog.js";

/** What a detector saw, before merging and ranking turn it into a Finding. */
export type Anomaly =
  | "spike"
  | "dip"
  | "burst"
  | "step"
  | "drop"
  | "ramp"
  | "leak"
  | "threshold"
  | "trend"
  | "flatline"
  | "nodata"
  | "zero"
  | "history"
  | "error_rate"
  | "monitor"
  | "deploy";

/** A detector's output for one series (or monitors/events/logs), not yet ranked or named. */
export interface Detection {
  /** Identifies the series (metric with group); detections of one series are merged. */
  readonly key: string;
  readonly metric: string;
  readonly kind?: SignalKind;
  readonly category: FindingCategory;
  readonly severity: Severity;
  readonly anomaly: Anomaly;
  readonly start: number;
  readonly end: number;
  readonly evidence: Readonly<Record<string, number | string>>;
  readonly summary: string;
  /** Size of the change, ≥ 0 (|log ratio| or an equivalent), for ranking. */
  readonly magnitude: number;
  /** Which detection describes a merged anomaly best: higher wins. */
  readonly priority: number;
  /** Only reported when it merges with another detection of the same series (a slow drift alone is not news). */
  readonly supporting?: boolean;
  /** A unique handle once detections are merged, so correlation can point at one of them. */
  readonly uid?: string;
  /** Uids of detections this one is correlated with (set by correlation). */
  readonly related?: readonly string[];
  /** Whether the anomaly still holds at the series' latest point, or ended inside the window. */
  readonly state?: "ongoing" | "recovered";
  /** When it ended (the first point back to normal), for a recovered anomaly. */
  readonly recovered_at?: number;
}

/** Merge priority of each anomaly: the most specific description of one episode wins. */
export const PRIORITY: Readonly<Record<Anomaly, number>> = {
  nodata: 9,
  zero: 9,
  history: 4,
  flatline: 8,
  leak: 7,
  burst: 6,
  spike: 6,
  dip: 6,
  drop: 6,
  step: 5,
  ramp: 5,
  error_rate: 4,
  threshold: 3,
  trend: 2,
  monitor: 1,
  deploy: 1,
};

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}
