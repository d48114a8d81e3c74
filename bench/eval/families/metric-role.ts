import { integrationMetric, type PERCENTILES } from "@orch/core";

/**
 * How a metric reports what it measures:
 * - `count`: events per point (Datadog's count type, and most APM `hits`/`errors`): integers that
 *   scale with the interval;
 * - `rate`: events per second;
 * - `cumulative`: a running total read raw (Prometheus `_total`, Redis INFO counters);
 * - `gauge`: a level (bytes, a share, seconds, connections).
 */
export type Reading = "count" | "rate" | "cumulative" | "gauge";

export type MetricType = "gauge" | "count" | "rate" | "distribution";
export type Percentile = (typeof PERCENTILES)[number];

/**
 * A metric filling a role in a story, and how to turn the story's quantities into its values.
 * Stories speak in canonical quantities — seconds, bytes, shares from 0 to 1, events per second,
 * plain counts — and `scale` converts them to the metric's unit (1000 for milliseconds, 100 for
 * percent, 2^-20 for mebibytes).
 */
export interface MetricRole {
  readonly metric: string;
  readonly reading: Reading;
  readonly scale: number;
  readonly unit?: string;
  readonly per_unit?: string;
  /** The type in the metric's metadata; absent: no metadata (many custom metrics). */
  readonly metric_type?: MetricType;
  readonly percentile?: Percentile;
  /** The highest value the metric can take, in its unit: 100 for percent, 1 for fraction. */
  readonly max?: number;
  /** Whether values are whole numbers (counts, connections, messages). */
  readonly integer: boolean;
  /** Where the metric comes from, for descriptions: "redisdb", "apm", "otel", "custom". */
  readonly source: string;
}

/** Canonical quantity → unit. */
const UNIT_SCALE: Readonly<Record<string, number>> = {
  nanosecond: 1e9,
  microsecond: 1e6,
  millisecond: 1e3,
  second: 1,
  minute: 1 / 60,
  percent: 100,
  fraction: 1,
  byte: 1,
  kibibyte: 1 / 1024,
  mebibyte: 1 / 1024 ** 2,
  gibibyte: 1 / 1024 ** 3,
  nanocore: 1e9,
  millicore: 1e3,
  core: 1,
};

/** Units whose values are counted things: a gauge of them holds whole numbers. */
const COUNTED_UNITS = new Set([
  "connection",
  "message",
  "process",
  "thread",
  "key",
  "task",
  "job",
  "request",
  "worker",
  "item",
  "lock",
  "query",
  "offset",
  "container",
  "error",
  "response",
  "eviction",
  "hit",
]);

export interface RoleOptions {
  readonly reading?: Reading;
  readonly unit?: string;
  readonly per_unit?: string;
  readonly metric_type?: MetricType;
  readonly percentile?: Percentile;
  readonly integer?: boolean;
  /** Override the unit's scale, e.g. for a metric whose unit is missing from its metadata. */
  readonly scale?: number;
}

function role(metric: string, source: string, o: RoleOptions): MetricRole {
  const unit = o.unit;
  const reading: Reading =
    o.reading ?? (o.metric_type === "count" ? "count" : o.per_unit === "second" ? "rate" : "gauge");
  const counted =
    reading === "count" || reading === "cumulative" || (unit !== undefined && COUNTED_UNITS.has(unit));
  return {
    metric,
    reading,
    scale: o.scale ?? (unit !== undefined && o.per_unit === undefined ? (UNIT_SCALE[unit] ?? 1) : 1),
    ...(unit !== undefined ? { unit } : {}),
    ...(o.per_unit !== undefined ? { per_unit: o.per_unit } : {}),
    ...(o.metric_type !== undefined ? { metric_type: o.metric_type } : {}),
    ...(o.percentile !== undefined ? { percentile: o.percentile } : {}),
    ...(unit === "percent" ? { max: 100 } : unit === "fraction" ? { max: 1 } : {}),
    integer: o.integer ?? (counted && reading !== "rate"),
    source,
  };
}

/**
 * A metric of a Datadog integration, with the unit, per-unit and type its published metadata
 * gives (the integration catalog); `options` say how it is read when the metadata cannot (a
 * "gauge" that is really a running total). An unknown name is an error: the tables must name
 * real metrics.
 */
export function catalogRole(metric: string, options: RoleOptions = {}): MetricRole {
  const meta = integrationMetric(metric);
  if (!meta) throw new Error(`${metric} is not in the integration catalog`);
  return role(metric, meta.integration, {
    ...(meta.unit !== undefined ? { unit: meta.unit } : {}),
    ...(meta.per_unit !== undefined ? { per_unit: meta.per_unit } : {}),
    metric_type: meta.type,
    ...options,
  });
}

/** A metric outside the catalog (APM, OpenTelemetry, the agent's system metrics, custom), described here. */
export function ownRole(metric: string, source: string, options: RoleOptions): MetricRole {
  return role(metric, source, options);
}
