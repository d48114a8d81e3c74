import { describe, expect, it } from "vitest";
import type { AnalysisResult } from "../analysis-result.js";
import { composeOfflineAnswer } from "../answer/compose-offline-answer.js";
import type { Evidence, Series } from "../evidence.js";
import type { Finding } from "../finding.js";
import type { Plan } from "../plan.js";
import type { MetricsSource } from "../ports.js";
import { serviceScope } from "../service-scope.js";
import type { DrillRound } from "./drill-down.js";
import { localiseRounds } from "./localise-rounds.js";
import { proposeDrillDown } from "./propose-drill-down.js";

const T0 = Date.UTC(2025, 2, 3, 13, 0);
const MIN = 60_000;
const window = { start: T0, end: T0 + 60 * MIN, label: "last 1 hour" };
const scope = serviceScope("checkout", ["service:checkout", "env:prod"], "prod");
const signal = new AbortController().signal;
const ERRORS = "trace.http.request.errors";
const LATENCY = "trace.http.request.duration.by.service.95p";

const plan: Plan = {
  intent: "errors",
  window,
  source: "offline",
  rationale: "",
  steps: [
    {
      id: "s1",
      tool: "metrics",
      query: { metric: ERRORS, aggregator: "sum", by: [], as_count: true },
      reason: "",
    },
    {
      id: "s2",
      tool: "metrics",
      query: { metric: LATENCY, aggregator: "avg", by: [], as_count: false },
      reason: "",
    },
    { id: "s3", tool: "events", reason: "" },
  ],
};

const errorsUp: Finding = {
  id: "F1",
  category: "errors",
  severity: "critical",
  metric: ERRORS,
  kind: "errors",
  window: { start: T0 + 30 * MIN, end: T0 + 60 * MIN },
  evidence: { baseline: 1, peak: 40 },
  summary: "errors rose",
  score: 0.9,
  state: "ongoing",
};

function analysisWith(findings: Finding[]): AnalysisResult {
  return { findings, stats: [], coverage: 1, missing: [] };
}

/** A data source that knows only the tags of each metric (the drill-down asks nothing else). */
function tagSource(tags: Record<string, string[]>, calls: string[] = []): MetricsSource {
  const none = () => Promise.reject(new Error("not read in these tests"));
  return {
    id: "tags",
    discoverMetrics: none,
    queryMetrics: none,
    metricMetadata: none,
    monitors: none,
    monitor: none,
    events: none,
    logs: none,
    metricTags: (metric) => {
      calls.push(metric);
      return Promise.resolve({ value: tags[metric] ?? [], upstream_calls: 1 });
    },
  };
}

const budget = { round: 2, reads: 10 };

describe("proposing a drill-down", () => {
  it("groups the finding's metric by the tags it really has, the endpoint first for a which-endpoint question", async () => {
    const source = tagSource({
      [ERRORS]: [
        "service:checkout",
        "env:prod",
        "resource_name:POST /charge",
        "resource_name:GET /cart",
        "host:web-1",
      ],
      [LATENCY]: ["service:checkout", "env:prod", "host:web-1"],
    });
    const proposal = await proposeDrillDown(
      { source, now: () => T0 },
      {
        question: "Which endpoint is failing?",
        scope,
        plan,
        analysis: analysisWith([errorsUp]),
        rounds: [],
        localisations: [],
        budget,
      },
      signal,
    );
    expect(proposal.plan?.targets.map((t) => [t.metric, t.key])).toEqual([
      [ERRORS, "resource_name"],
      [ERRORS, "host"],
      [LATENCY, "host"],
    ]);
    const first = proposal.plan?.steps[0];
    expect(first?.tool === "metrics" && first.query).toMatchObject({
      by: ["resource_name"],
      aggregator: "sum",
    });
    expect(proposal.plan?.targets[0]).toMatchObject({ additive: true, change_at: errorsUp.window.start });
  });

  it("reads the version first when a deploy is among the findings, and never a tag the metric lacks", async () => {
    const deploy: Finding = {
      ...errorsUp,
      id: "F2",
      category: "deploy_regression",
      metric: "events",
      kind: undefined,
    };
    const proposal = await proposeDrillDown(
      {
        source: tagSource({ [ERRORS]: ["service:checkout", "version:v1", "version:v2", "pod_name:a"] }),
        now: () => T0,
      },
      {
        question: "Why are errors up?",
        scope,
        plan,
        analysis: analysisWith([errorsUp, deploy]),
        rounds: [],
        localisations: [],
        budget,
      },
      signal,
    );
    expect(proposal.plan?.targets.map((t) => t.key)).toEqual(["version", "pod_name"]);
  });

  it("plans nothing without a round left, but still says the service has no tag for the breakdown asked", async () => {
    const calls: string[] = [];
    const proposal = await proposeDrillDown(
      { source: tagSource({ [ERRORS]: ["service:checkout", "host:web-1"] }, calls), now: () => T0 },
      {
        question: "Which endpoint is failing?",
        scope,
        plan,
        analysis: analysisWith([errorsUp]),
        rounds: [],
        localisations: [],
      },
      signal,
    );
    expect(proposal.plan).toBeUndefined();
    expect(proposal.absent).toEqual([{ breakdown: "endpoint", metrics: [ERRORS, LATENCY] }]);
    expect(calls.sort()).toEqual([ERRORS, LATENCY].sort());
  });

  it("stops once a round named the culprit of every finding", async () => {
    const round = drillRound();
    const proposal = await proposeDrillDown(
      { source: tagSource({ [ERRORS]: ["resource_name:a", "host:b"] }), now: () => T0 },
      {
        question: "Which endpoint is failing?",
        scope,
        plan,
        analysis: analysisWith([errorsUp]),
        rounds: [round],
        localisations: localiseRounds([round]),
        budget: { round: 3, reads: 10 },
      },
      signal,
    );
    expect(proposal.plan).toBeUndefined();
  });
});

function grouped(value: string, before: number, after: number): Series {
  return {
    metric: ERRORS,
    query: `sum:${ERRORS}{service:checkout,env:prod} by {resource_name}.as_count()`,
    group: [`resource_name:${value}`],
    points: Array.from({ length: 60 }, (_, i): [number, number] => [T0 + i * MIN, i < 30 ? before : after]),
    interval_s: 60,
  };
}

function drillRound(): DrillRound {
  const evidence: Evidence = {
    window,
    data_source: "test",
    results: [
      {
        step_id: "r2-1",
        tool: "metrics",
        status: "ok",
        duration_ms: 1,
        upstream_calls: 1,
        series: [grouped("POST /charge", 0, 40), grouped("GET /cart", 1, 1), grouped("GET /search", 1, 2)],
      },
    ],
  };
  return {
    plan: {
      round: 2,
      source: "offline",
      rationale: "",
      steps: [
        {
          id: "r2-1",
          tool: "metrics",
          query: { metric: ERRORS, aggregator: "sum", by: ["resource_name"], as_count: true },
          reason: "",
        },
      ],
      targets: [
        {
          step_id: "r2-1",
          metric: ERRORS,
          key: "resource_name",
          breakdown: "endpoint",
          change_at: T0 + 30 * MIN,
          additive: true,
          subject: "errors",
        },
      ],
    },
    evidence,
  };
}

describe("an answer after a drill-down", () => {
  const round = drillRound();
  const base = {
    scope,
    plan,
    evidence: { window, data_source: "test", results: [] },
    history: [],
  } as const;

  it("answers a which-endpoint question with the endpoint first, with its numbers", () => {
    const analysis = {
      ...analysisWith([errorsUp]),
      drill: { localisations: localiseRounds([round]), absent: [], rounds: 1 },
    };
    const answer = composeOfflineAnswer({ ...base, question: "Which endpoint is failing?", analysis });
    expect(answer.direct_answer).toMatch(
      /^Endpoint \*\*POST \/charge\*\*: 9\d% of the rise in errors is on resource_name POST \/charge/,
    );
    expect(answer.sections?.some((s) => s.title === "Where")).toBe(true);
  });

  it("says plainly when the service has no such tag, and its confidence shows the question was not settled", () => {
    const analysis = {
      ...analysisWith([errorsUp]),
      drill: { localisations: [], absent: [{ breakdown: "endpoint", metrics: [ERRORS] }], rounds: 0 },
    };
    const answer = composeOfflineAnswer({ ...base, question: "Which endpoint is failing?", analysis });
    expect(answer.direct_answer).toMatch(/^checkout has no endpoint tag on `trace\.http\.request\.errors`/);
    expect(answer.confidence).toBeLessThanOrEqual(0.55);
  });

  it("adds where the problem is after the cause of any other question", () => {
    const analysis = {
      ...analysisWith([errorsUp]),
      drill: { localisations: localiseRounds([round]), absent: [], rounds: 1 },
    };
    const answer = composeOfflineAnswer({ ...base, question: "Why are errors up?", analysis });
    expect(answer.direct_answer).toMatch(
      /Where: 9\d% of the rise in errors is on resource_name POST \/charge/,
    );
  });
});
