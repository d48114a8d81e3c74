import { Counter, type Registry } from "prom-client";
import type { JobEnd } from "@orch/queue";
import { sharedMetric } from "./metrics-registry.js";

/** Counts job ends by status; both the API (cancellations) and workers (the rest) end jobs. */
export function countJobEnds(registry: Registry): (end: JobEnd) => void {
  const ended = sharedMetric(
    registry,
    "orch_jobs_ended_total",
    (registers) =>
      new Counter({
        name: "orch_jobs_ended_total",
        help: "Jobs that reached a final status",
        labelNames: ["status"],
        registers,
      }),
  );
  for (const status of ["completed", "failed", "cancelled"]) ended.labels(status).inc(0);
  return (end) => ended.labels(end.status).inc();
}
