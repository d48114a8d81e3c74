import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { Phase } from "@orch/core";
import { sharedMetric } from "@orch/runtime";

const DEPTH_TIMEOUT_MS = 2000;
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** What the queue-depth gauge reads on each scrape (PhaseQueues.depths). */
export interface QueueDepths {
  depths(): Promise<Record<Phase, Record<string, number>>>;
}

/** The API's metrics: requests by route and status, jobs submitted and rejected, and queue depths read on scrape. */
export class ApiMetrics {
  private readonly requests: Histogram<"method" | "route" | "status">;
  private readonly submitted: Counter;
  private readonly limited: Counter<"reason">;

  constructor(
    readonly registry: Registry,
    queues?: QueueDepths,
  ) {
    this.requests = sharedMetric(
      registry,
      "orch_http_request_duration_seconds",
      (registers) =>
        new Histogram({
          name: "orch_http_request_duration_seconds",
          help: "HTTP requests by method, route template and status",
          labelNames: ["method", "route", "status"],
          buckets: HTTP_BUCKETS,
          registers,
        }),
    );
    this.submitted = sharedMetric(
      registry,
      "orch_jobs_submitted_total",
      (registers) =>
        new Counter({
          name: "orch_jobs_submitted_total",
          help: "Jobs accepted (POST /jobs and POST /orchestrate)",
          registers,
        }),
    );
    this.limited = sharedMetric(
      registry,
      "orch_rate_limited_total",
      (registers) =>
        new Counter({
          name: "orch_rate_limited_total",
          help: "Requests refused with 429, by reason (rate, in_flight, auth_failures)",
          labelNames: ["reason"],
          registers,
        }),
    );
    for (const reason of ["rate", "in_flight", "auth_failures"]) this.limited.labels(reason).inc(0);
    if (queues && !registry.getSingleMetric("orch_queue_jobs")) {
      new Gauge({
        name: "orch_queue_jobs",
        help: "Phase jobs per queue and state (waiting, active, delayed, failed), read from Redis on scrape",
        labelNames: ["queue", "state"],
        registers: [registry],
        async collect() {
          this.reset();
          // Redis away must not hang or fail the whole scrape: the series go missing instead (alert on absent()).
          const depths = await Promise.race([
            queues.depths().catch(() => undefined),
            new Promise<undefined>((resolve) =>
              setTimeout(() => resolve(undefined), DEPTH_TIMEOUT_MS).unref(),
            ),
          ]);
          for (const [queue, counts] of Object.entries(depths ?? {})) {
            for (const [state, count] of Object.entries(counts)) this.labels(queue, state).set(count);
          }
        },
      });
    }
  }

  /** For requestContext's `onResponse`. */
  readonly observeRequest = (route: string, method: string, status: number, ms: number): void => {
    this.requests.labels(method, route, String(status)).observe(ms / 1000);
  };

  readonly jobSubmitted = (): void => {
    this.submitted.inc();
  };

  readonly rateLimited = (reason: "rate" | "in_flight" | "auth_failures"): void => {
    this.limited.labels(reason).inc();
  };
}
