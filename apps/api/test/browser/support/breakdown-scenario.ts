import { parseScenario } from "@orch/core";

export const HOSTS = ["host:web-1", "host:web-2", "host:web-3"];

/** A service whose latency and errors are read per host: what a drill-down's breakdown looks like. */
export const SHOP = parseScenario({
  id: "shop-by-host",
  service: "shop",
  question: "Which host is slow?",
  window: "1h",
  seed: 7,
  series: HOSTS.flatMap((host, i) => [
    {
      metric: "trace.http.request.duration.by.service.95p",
      baseline: 0.2 + 0.05 * i,
      unit: "second",
      group: [host],
      incidents: i === 2 ? [{ type: "step", start: "-20m", factor: 3 }] : [],
    },
    { metric: "trace.http.request.errors", baseline: 3 + 2 * i, integer: true, unit: "error", group: [host] },
  ]),
});

/** The model's plan for "shop": both metrics grouped by host. */
export const SHOP_PLAN = {
  intent: "performance",
  rationale: "Latency and errors per host.",
  steps: [
    {
      tool: "metrics",
      metric: "trace.http.request.duration.by.service.95p",
      aggregator: "avg",
      by: ["host"],
      as_count: false,
      reason: "latency per host",
    },
    {
      tool: "metrics",
      metric: "trace.http.request.errors",
      aggregator: "sum",
      by: ["host"],
      as_count: true,
      reason: "errors per host",
    },
  ],
};
