import type { SignalKind } from "./metric-catalog.js";

export type FindingCategory =
  | "latency"
  | "errors"
  | "saturation"
  | "memory_leak"
  | "traffic"
  | "availability"
  | "capacity"
  | "deploy_regression";

export const FINDING_CATEGORIES: readonly FindingCategory[] = [
  "latency",
  "errors",
  "saturation",
  "memory_leak",
  "traffic",
  "availability",
  "capacity",
  "deploy_regression",
];

export type Severity = "critical" | "warning" | "info";

/** A ranked, evidence-backed statement about the service. */
export interface Finding {
  readonly id: string;
  readonly category: FindingCategory;
  readonly severity: Severity;
  /** The metric (or "monitors", "events", "logs") the finding rests on. */
  readonly metric: string;
  readonly kind?: SignalKind;
  /** When the anomaly held, epoch ms. */
  readonly window: { readonly start: number; readonly end: number };
  /** The numbers behind it: baseline, peak, change %, threshold… */
  readonly evidence: Readonly<Record<string, number | string>>;
  readonly summary: string;
  /** Ranking score in [0, 1]; higher first. */
  readonly score: number;
  /** Ids of findings this one is correlated with (e.g. a deploy that preceded an error burst). */
  readonly related?: readonly string[];
  /** Whether the anomaly still holds at the end of the window, or ended inside it. */
  readonly state: "ongoing" | "recovered";
  /** When a recovered anomaly ended (epoch ms): the first reading back to normal. */
  readonly recovered_at?: number;
  /** Ids of findings that explain this one (a deploy, CPU saturation before latency). */
  readonly caused_by?: readonly string[];
  /** Ids of findings this one explains. */
  readonly explains?: readonly string[];
  /** Why its first cause explains it, in words ("latency rose 4 min later, when CPU saturated"). */
  readonly cause_reason?: string;
}
