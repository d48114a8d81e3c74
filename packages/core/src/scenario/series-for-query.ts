import { classifyMetric } from "../metric-catalog.js";
import { PERCENTILE_AGGREGATORS } from "../plan.js";
import type { ScenarioSeries } from "./scenario-schema.js";

const isPercentile = (aggregator: string): boolean =>
  (PERCENTILE_AGGREGATORS as readonly string[]).includes(aggregator);

/**
 * The series of a scenario that a query of `metric` with `aggregator` reads: for `p99` the
 * series given as that percentile; for `avg`, `sum`, `min` and `max` the series given without
 * a percentile — or, for a distribution given only as percentiles, its median-most one (`p50`
 * when given, else the lowest), the closest the scenario says to a typical value. The demo
 * source and the fake Datadog both answer by this rule.
 */
export function seriesForQuery<S extends Pick<ScenarioSeries, "metric" | "percentile">>(
  series: readonly S[],
  metric: string,
  aggregator: string,
): S[] {
  const ofMetric = series.filter((s) => s.metric === metric);
  if (isPercentile(aggregator)) return ofMetric.filter((s) => s.percentile === aggregator);
  const plain = ofMetric.filter((s) => s.percentile === undefined);
  if (plain.length > 0 || ofMetric.length === 0) return plain;
  const median = PERCENTILE_AGGREGATORS.find((p) => ofMetric.some((s) => s.percentile === p));
  return ofMetric.filter((s) => s.percentile === median);
}

/**
 * Whether Datadog stores a scenario series as a RATE (per second, as the Agent submits
 * integration counters): `.as_count()` then multiplies each rolled-up point by the interval
 * (Datadog's "Metric Type Modifiers"). The scenario's metric_type decides, else the
 * integration's published type. The demo source and the fake Datadog both answer by this rule.
 */
export function isRateSeries(series: Pick<ScenarioSeries, "metric" | "metric_type" | "cumulative">): boolean {
  if (series.cumulative) return false;
  return (series.metric_type ?? classifyMetric(series.metric)?.type) === "rate";
}
