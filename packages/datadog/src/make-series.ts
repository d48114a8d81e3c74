import { classifyMetric, type Series } from "@orch/core";

/** A Series with its kind and unit read from the metric name, when the catalog knows it. */
export function makeSeries(
  metric: string,
  query: string,
  group: readonly string[],
  points: ReadonlyArray<readonly [number, number | null]>,
  intervalS: number,
): Series {
  const profile = classifyMetric(metric);
  return {
    metric,
    query,
    group,
    points,
    interval_s: intervalS,
    ...(profile ? { kind: profile.kind, unit: profile.unit } : {}),
  };
}
