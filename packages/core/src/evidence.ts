import type { ToolName } from "./plan.js";
import type { SignalKind } from "./signal-kind.js";
import type { TimeWindow } from "./time-window.js";

/** A unit as Datadog names it ("second", "byte", "percent", "request"), and what it is per ("second"). */
export interface SourceUnit {
  readonly name: string;
  readonly per?: string;
}

/**
 * What Datadog's metric metadata (GET /api/v1/metrics/{metric_name}) says of a metric. Every
 * field may be missing: custom metrics often have no unit or type set.
 */
export interface MetricMetadata {
  /** "gauge", "count", "rate" or "distribution". */
  readonly type?: string;
  readonly unit?: string;
  readonly per_unit?: string;
  readonly description?: string;
  readonly integration?: string;
  /** The flush interval of a rate or count, seconds. */
  readonly interval_s?: number;
}

/** One time series: `points` are [epoch ms, value or null for a gap], oldest first. */
export interface Series {
  readonly metric: string;
  /** The exact query that produced it (with its scope). */
  readonly query: string;
  /** Group tags when the query was grouped, e.g. ["host:web-1"]. */
  readonly group: readonly string[];
  readonly points: ReadonlyArray<readonly [number, number | null]>;
  /** Seconds between points as reported by the source. */
  readonly interval_s: number;
  readonly kind?: SignalKind;
  readonly unit?: string;
  /** The unit the source reported with the series (Datadog's per-series `unit`), when it did. */
  readonly source_unit?: SourceUnit;
  /** How the analysis derived this series from what was read (the rate of a cumulative counter). */
  readonly derived?: string;
}

export interface MonitorInfo {
  readonly id: number;
  readonly name: string;
  /** Datadog overall state: "OK", "Alert", "Warn", "No Data", "Ignored", "Skipped", "Unknown". */
  readonly state: string;
  /** Datadog's monitor type: "query alert", "metric alert", "service check", "log alert"… */
  readonly type?: string;
  readonly query?: string;
  readonly tags: readonly string[];
  /** When the monitor last triggered, epoch ms, when known. */
  readonly last_triggered?: number;
  /** When the monitor entered its current state (overall_state_modified), epoch ms, when known. */
  readonly state_since?: number;
}

/**
 * Monitors a read found but left out, and why: `other_scope` — they name another value of a
 * scope tag (another service or env); `over_cap` — past the most monitors a read keeps (the
 * most troubled are kept); `unread` — the listing went on past the pages a read may take, so
 * more monitors may exist (`count` is then a lower bound: 0 when unknown).
 */
export interface MonitorExclusion {
  readonly reason: "other_scope" | "over_cap" | "unread";
  readonly count: number;
}

/** A service's monitors as one read found them. */
export interface MonitorList {
  readonly monitors: readonly MonitorInfo[];
  readonly excluded: readonly MonitorExclusion[];
}

export interface EventInfo {
  readonly id: string;
  readonly title: string;
  readonly text?: string;
  readonly time: number;
  readonly tags: readonly string[];
  /** "deploy", "config", "alert", "scale", or "other" — read from tags and title. */
  readonly type: "deploy" | "config" | "alert" | "scale" | "other";
  readonly alert_type?: string;
}

export interface LogSummary {
  /** Error log count per bucket over the window: [epoch ms, count]. */
  readonly error_counts: ReadonlyArray<readonly [number, number]>;
  readonly total_errors: number;
  readonly top_messages: ReadonlyArray<{ readonly message: string; readonly count: number }>;
}

/** Whether a read came from the cache. Absent when the source has no cache. */
export type CacheStatus = "hit" | "miss";

interface ToolResultBase {
  readonly step_id: string;
  readonly tool: ToolName;
  readonly duration_ms: number;
  readonly cache?: CacheStatus;
  /** Calls that actually reached the upstream source for this step (0 on a cache hit). */
  readonly upstream_calls: number;
}

/** The outcome of one plan step: data, or an error that degrades the answer. */
export type ToolResult =
  | (ToolResultBase & {
      readonly status: "ok";
      readonly tool: "metrics";
      readonly series: readonly Series[];
      /** The metric's metadata, when it was read (for metrics the catalog does not know). */
      readonly metadata?: MetricMetadata;
      /** The same reads a day and a week earlier, at the current window's times, when asked and found. */
      readonly history?: { readonly day?: readonly Series[]; readonly week?: readonly Series[] };
      /** Why history asked for could not be read, when it could not. */
      readonly history_error?: string;
    })
  | (ToolResultBase & {
      readonly status: "ok";
      readonly tool: "monitors";
      readonly monitors: readonly MonitorInfo[];
      /** Monitors found but left out, and why, when any were (the answer says so). */
      readonly excluded?: readonly MonitorExclusion[];
    })
  | (ToolResultBase & {
      readonly status: "ok";
      readonly tool: "events";
      readonly events: readonly EventInfo[];
    })
  | (ToolResultBase & { readonly status: "ok"; readonly tool: "logs"; readonly logs: LogSummary })
  | (ToolResultBase & {
      readonly status: "error";
      readonly error: { readonly code: string; readonly message: string };
      /** What was asked, for the answer's "missing data" section. */
      readonly subject: string;
    });

/** Everything the execution phase gathered. */
export interface Evidence {
  readonly window: TimeWindow;
  readonly results: readonly ToolResult[];
  readonly data_source: string;
}
