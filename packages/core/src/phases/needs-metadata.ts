import { classifyMetric } from "../metric-catalog.js";

/**
 * Whether a metric read needs the metric's metadata (type, unit, per-unit) read beside it. For
 * now: when the catalog does not know the metric, so its unit would otherwise be a guess.
 */
export function needsMetadata(metric: string): boolean {
  return classifyMetric(metric) === undefined;
}
