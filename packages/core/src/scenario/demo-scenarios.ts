import { parseScenario, type Scenario, type ScenarioInput, type ScenarioSeries } from "./scenario-schema.js";

/**
 * The built-in demo: a healthy profile for any service id, and a few named services that carry
 * an incident (documented in docs/demo.md). Incidents sit in the last hour so that the default
 * window shows them; longer windows show the history before.
 */

const web = (overrides: Partial<Record<string, Partial<ScenarioSeries>>> = {}): ScenarioInput["series"] => {
  const base: ScenarioInput["series"] = [
    {
      metric: "trace.http.request.hits",
      baseline: 1200,
      noise: 0.06,
      integer: true,
      seasonality: { amplitude: 0.35, peak_hour: 15 },
    },
    { metric: "trace.http.request.errors", baseline: 2, noise: 0.3, integer: true },
    { metric: "trace.http.request.duration.by.service.95p", baseline: 0.24, noise: 0.06 },
    {
      metric: "system.cpu.user",
      baseline: 32,
      noise: 0.06,
      max: 100,
      seasonality: { amplitude: 0.25, peak_hour: 15 },
    },
    { metric: "system.mem.pct_usable", baseline: 0.58, noise: 0.01, max: 1 },
    { metric: "system.disk.in_use", baseline: 0.41, noise: 0.002, max: 1 },
  ];
  return base.map((s) => ({ ...s, ...(overrides[s.metric] ?? {}) }));
};

export const DEMO_SCENARIOS: readonly ScenarioInput[] = [
  {
    id: "demo-api-gateway-5xx",
    description: "A bad upstream release makes api-gateway return 5xx errors for the last 35 minutes.",
    service: "api-gateway",
    question: "Investigate recent 5xx errors and their root causes",
    window: "24h",
    seed: 11,
    series: web({
      "trace.http.request.errors": { incidents: [{ type: "burst", start: "-35m", end: "0", factor: 40 }] },
      "trace.http.request.duration.by.service.95p": {
        incidents: [{ type: "step", start: "-35m", factor: 1.8 }],
      },
    }),
    events: [{ title: "Deployed api-gateway v2.14.0", at: "-37m", type: "deploy", tags: ["version:2.14.0"] }],
    monitors: [
      {
        name: "api-gateway 5xx error rate",
        state: "Alert",
        query: "sum:trace.http.request.errors{service:api-gateway}",
        last_triggered: "-30m",
      },
      { name: "api-gateway p95 latency", state: "Warn" },
    ],
    logs: {
      errors_per_minute: 1,
      messages: [{ message: "upstream connect error or disconnect/reset before headers", weight: 1 }],
      bursts: [
        {
          start: "-35m",
          end: "0",
          factor: 30,
          message: "502 Bad Gateway: upstream users-service refused connection",
        },
      ],
    },
  },
  {
    id: "demo-web-app-cpu",
    description: "web-app: daily traffic cycle, and CPU saturating over the last 40 minutes.",
    service: "web-app",
    question: "Check CPU and memory usage trends for the last 24 hours",
    window: "24h",
    seed: 7,
    series: web({
      "system.cpu.user": { incidents: [{ type: "ramp", start: "-40m", end: "-10m", to: 93 }] },
      "trace.http.request.duration.by.service.95p": {
        incidents: [{ type: "ramp", start: "-30m", end: "-5m", factor: 2.2 }],
      },
    }),
  },
  {
    id: "demo-payments-leak",
    description: "payments leaks memory since its last restart 10 hours ago.",
    service: "payments",
    question: "Why is memory growing on payments?",
    window: "24h",
    seed: 5,
    series: [
      ...web({ "system.mem.pct_usable": { incidents: [{ type: "leak", start: "-10h", to: 0.06 }] } }),
      {
        metric: "jvm.heap_memory",
        baseline: 1.1e9,
        noise: 0.02,
        incidents: [{ type: "leak", start: "-10h", to: 3.6e9 }],
      },
    ],
    events: [{ title: "Restarted payments pods", at: "-10h", type: "other" }],
  },
  {
    id: "demo-database-cluster-capacity",
    description: "database-cluster: disk filling and connections near the pool limit.",
    service: "database-cluster",
    question: "Analyze current resource utilization and predict scaling needs",
    window: "7d",
    seed: 3,
    series: [
      {
        metric: "system.cpu.user",
        baseline: 55,
        noise: 0.05,
        max: 100,
        seasonality: { amplitude: 0.3, peak_hour: 14 },
      },
      { metric: "system.mem.pct_usable", baseline: 0.22, noise: 0.01, max: 1 },
      {
        metric: "system.disk.in_use",
        baseline: 0.7,
        noise: 0.001,
        max: 1,
        incidents: [{ type: "ramp", start: "-7d", to: 0.89 }],
      },
      {
        metric: "postgresql.percent_usage_connections",
        baseline: 0.62,
        noise: 0.04,
        max: 1,
        incidents: [{ type: "ramp", start: "-2d", to: 0.93 }],
      },
    ],
  },
  {
    id: "demo-checkout-latency",
    description: "checkout: p95 latency stepped up after a deploy 25 minutes ago.",
    service: "checkout",
    question: "Why did checkout get slower?",
    window: "24h",
    seed: 9,
    series: web({
      "trace.http.request.duration.by.service.95p": {
        incidents: [{ type: "step", start: "-25m", factor: 2.6 }],
      },
    }),
    events: [{ title: "Deployed checkout v5.2.0", at: "-26m", type: "deploy", tags: ["version:5.2.0"] }],
  },
];

function hashOf(text: string): number {
  let h = 7;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return Math.abs(h);
}

/** The demo scenario of a service: a named one, else a healthy profile seeded by the id. */
export function demoScenarioFor(serviceId: string): Scenario {
  const named = DEMO_SCENARIOS.find((s) => s.service === serviceId);
  if (named) return parseScenario(named);
  return parseScenario({
    id: "demo-healthy",
    description: "A healthy service with a daily traffic cycle.",
    service: serviceId,
    question: "How is the service doing?",
    window: "24h",
    seed: hashOf(serviceId) % 100_000,
    series: web(),
  });
}
