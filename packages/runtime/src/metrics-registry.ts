import { Registry, collectDefaultMetrics, type Metric } from "prom-client";

/** Every metric we export starts with this. */
export const METRIC_PREFIX = "orch_";

/** A fresh registry with the process metrics (CPU, memory, event loop lag, GC) under our prefix. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}

/**
 * The metric called `name` in `registry`, created on first use. `npm start` runs the API and the
 * workers on one registry, and both define some of the same metrics (jobs ended).
 */
export function sharedMetric<M extends Metric>(
  registry: Registry,
  name: string,
  create: (registers: Registry[]) => M,
): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create([registry]);
}
