import type { Config } from "@orch/config";
import {
  serviceScope,
  type AnalysisResult,
  type AnswerInput,
  type Evidence,
  type Finding,
  type Plan,
  type PlanInput,
  type Series,
} from "@orch/core";
import type { FakeOpenAI } from "@orch/testkit";
import { OpenAIReasoner } from "../src/index.js";

export const END = Date.UTC(2025, 5, 1, 12, 0, 0);
const HOUR = 3_600_000;

export const llmConfig: Config["llm"] = {
  model: "gpt-4o-test",
  temperature: 0.1,
  max_tokens: 2000,
  timeout_ms: 10_000,
  max_retries: 2,
  context_token_budget: 3000,
  round_context_token_budget: 800,
  history_messages: 4,
  prices: {},
};

export function reasonerOn(fake: FakeOpenAI, llm: Partial<Config["llm"]> = {}): OpenAIReasoner {
  return new OpenAIReasoner({ apiKey: fake.apiKey, baseUrl: fake.url, llm: { ...llmConfig, ...llm } });
}

export const METRICS = [
  "trace.http.request.errors",
  "trace.http.request.hits",
  "trace.http.request.duration.by.service.95p",
  "system.cpu.user",
  "system.mem.pct_usable",
];

export function planInput(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    question: "Why are 5xx errors up on api-gateway?",
    scope: serviceScope("api-gateway"),
    window: { start: END - HOUR, end: END, label: "last hour" },
    history: [],
    available_metrics: METRICS,
    max_steps: 6,
    ...overrides,
  };
}

/** A plan reply as a well-behaved model writes it. */
export const goodPlanReply = {
  intent: "errors",
  rationale: "Errors and traffic show whether 5xx rose; deploys and logs show why.",
  steps: [
    {
      tool: "metrics",
      metric: "trace.http.request.errors",
      aggregator: "sum",
      by: [],
      as_count: true,
      reason: "5xx count",
    },
    {
      tool: "metrics",
      metric: "trace.http.request.hits",
      aggregator: "sum",
      by: [],
      as_count: true,
      reason: "traffic",
    },
    { tool: "events", reason: "recent deploys" },
    { tool: "logs", filter: "status:error", reason: "error messages" },
  ],
};

function series(metric: string, f: (i: number) => number): Series {
  return {
    metric,
    query: `sum:${metric}{service:api-gateway}.as_count()`,
    group: [],
    points: Array.from({ length: 60 }, (_, i) => [END - HOUR + i * 60_000, f(i)] as const),
    interval_s: 60,
  };
}

const errors = series("trace.http.request.errors", (i) => (i >= 45 ? 120 : 4));
const hits = series("trace.http.request.hits", (i) => 1000 + (i % 7) * 10);

export const findings: Finding[] = [
  {
    id: "f1",
    category: "errors",
    severity: "critical",
    metric: "trace.http.request.errors",
    window: { start: END - 15 * 60_000, end: END },
    evidence: { baseline: 4, peak: 120, change_pct: 2900 },
    summary: "5xx errors rose from about 4 to 120 per minute in the last 15 minutes",
    score: 0.92,
    related: ["f2"],
    state: "ongoing",
  },
  {
    id: "f2",
    category: "deploy_regression",
    severity: "warning",
    metric: "events",
    window: { start: END - 17 * 60_000, end: END - 17 * 60_000 },
    evidence: { deploy: "api-gateway v2.3.1" },
    summary: "Deploy of api-gateway v2.3.1 two minutes before the error burst",
    score: 0.7,
    related: ["f1"],
    state: "ongoing",
  },
];

export function answerInput(overrides: Partial<AnswerInput> = {}): AnswerInput {
  const input = planInput();
  const plan: Plan = {
    intent: "errors",
    window: input.window,
    steps: [],
    rationale: "errors, traffic and deploys",
    source: "llm",
  };
  const evidence: Evidence = {
    window: input.window,
    data_source: "demo",
    results: [
      {
        step_id: "m1",
        tool: "metrics",
        status: "ok",
        series: [errors, hits],
        duration_ms: 5,
        upstream_calls: 1,
      },
      {
        step_id: "events",
        tool: "events",
        status: "ok",
        duration_ms: 2,
        upstream_calls: 1,
        events: [
          {
            id: "e1",
            title: "Deployed api-gateway v2.3.1",
            time: END - 17 * 60_000,
            tags: [],
            type: "deploy",
          },
        ],
      },
    ],
  };
  const stat = (s: Series, mean: number, max: number, current: number) => ({
    metric: s.metric,
    query: s.query,
    group: s.group,
    count: 60,
    gaps: 0,
    current,
    mean,
    min: 4,
    max,
    p50: mean,
    p95: max,
    p99: max,
    slope_per_hour: 100,
    change_pct: 2900,
  });
  const analysis: AnalysisResult = {
    findings,
    stats: [stat(errors, 33, 120, 120), stat(hits, 1030, 1060, 1040)],
    coverage: 1,
    missing: [],
  };
  return {
    question: input.question,
    scope: input.scope,
    plan,
    evidence,
    analysis,
    history: [],
    ...overrides,
  };
}

/** A good answer reply citing the fixture's findings. */
export const goodAnswerReply = {
  answer_markdown:
    "5xx errors rose from ~4 to 120/min 15 minutes ago, two minutes after the v2.3.1 deploy (f1, f2).",
  findings_used: ["f1", "f2"],
  recommendations: ["Roll back api-gateway v2.3.1", "Check the error logs of the new version"],
  confidence: 0.99,
};

export const signal = (): AbortSignal => new AbortController().signal;
