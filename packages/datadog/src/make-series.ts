import { classifyMetric, type Series, type SourceUnit } from "@orch/core";

/**
 * A Series with its kind and unit read from the metric name when the catalog knows it, and the
 * unit the source reported with it (Datadog's per-series `unit`) when there was one.
 */
export function makeSeries(
  metric: string,
  query: string,
  group: readonly string[],
  points: ReadonlyArray<readonly [number, number | null]>,
  intervalS: number,
  sourceUnit?: SourceUnit,
): Series {
  const profile = classifyMetric(metric);
  return {
    metric,
    query,
    group,
    points,
    interval_s: intervalS,
    ...(profile ? { kind: profile.kind, unit: profile.unit } : {}),
    ...(sourceUnit ? { source_unit: sourceUnit } : {}),
  };
}
