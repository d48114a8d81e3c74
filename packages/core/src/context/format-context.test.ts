import { countTokens } from "gpt-tokenizer";
import { describe, expect, it } from "vitest";
import { analyzeEvidence } from "../analysis/analyze-evidence.js";
import type { AnalysisResult, SeriesStats } from "../analysis-result.js";
import type { Plan } from "../plan.js";
import { demoScenarioFor } from "../scenario/demo-scenarios.js";
import {
  generateLogs,
  generateSeries,
  scenarioEvents,
  scenarioMonitors,
} from "../scenario/scenario-generator.js";
import type { Evidence, Series, ToolResult } from "../evidence.js";
import type { Finding } from "../finding.js";
import { formatContext, rawEvidenceTokens } from "./format-context.js";

const END = Date.UTC(2025, 5, 1, 12, 0, 0);
const DAY = 86_400_000;
const window = { start: END - DAY, end: END, label: "last 24 hours" };

const METRICS = [
  "trace.http.request.errors",
  "trace.http.request.hits",
  "trace.http.request.duration.by.service.95p",
  "system.cpu.user",
  "system.mem.pct_usable",
  "system.disk.in_use",
  "container.memory.usage",
  "jvm.gc.pause_time",
  "postgresql.connections",
  "kubernetes.containers.restarts",
];

/** A day of minute points: a noisy wave, with a burst in the last 35 minutes for `burst` series. */
function makeSeries(index: number, points: number, burst: boolean): Series {
  const metric = METRICS[index % METRICS.length] ?? "custom.metric";
  const step = DAY / points;
  const base = 10 + index;
  const values: Array<[number, number | null]> = Array.from({ length: points }, (_, i) => {
    const t = END - DAY + i * step;
    const wave = Math.sin(i / 60 + index) * base * 0.1;
    const noise = (((i * 7919 + index * 104729) % 1000) / 1000 - 0.5) * base * 0.05;
    const spike = burst && t >= END - 35 * 60_000 ? base * 8 : 0;
    return [t, i === 100 && index === 3 ? null : base + wave + noise + spike];
  });
  return {
    metric,
    query: `avg:${metric}{service:api-gateway} by {host}`,
    group: [`host:web-${index}`],
    points: values,
    interval_s: step / 1000,
  };
}

function statsOf(s: Series): SeriesStats {
  const values = s.points.map((p) => p[1]).filter((v): v is number => v !== null);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const fifth = Math.floor(values.length / 5);
  const avg = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    metric: s.metric,
    query: s.query,
    group: s.group,
    count: s.points.length,
    gaps: s.points.length - values.length,
    current: values[values.length - 1] ?? null,
    mean,
    min: Math.min(...values),
    max: Math.max(...values),
    p50: mean,
    p95: Math.max(...values) * 0.95,
    p99: Math.max(...values) * 0.99,
    slope_per_hour: 0.01,
    change_pct:
      ((avg(values.slice(-fifth)) - avg(values.slice(0, fifth))) / avg(values.slice(0, fifth))) * 100,
  };
}

function finding(id: string, metric: string, score: number, group = "all hosts"): Finding {
  return {
    id,
    state: "ongoing",
    category: "errors",
    severity: "critical",
    metric,
    window: { start: END - 35 * 60_000, end: END },
    evidence: { baseline: 12.345, peak: 98.765, change_pct: 712.3, started_at: END - 35 * 60_000 },
    summary: `${metric} on ${group} rose eightfold in the last 35 minutes`,
    score,
  };
}

function fixture(seriesCount: number, points: number): { evidence: Evidence; analysis: AnalysisResult } {
  const burstAt = seriesCount > 10 ? 10 : 0;
  const series = Array.from({ length: seriesCount }, (_, i) => makeSeries(i, points, i === burstAt));
  const results: ToolResult[] = [
    { step_id: "s1", tool: "metrics", status: "ok", series, duration_ms: 12, upstream_calls: 1 },
    {
      step_id: "s2",
      tool: "monitors",
      status: "ok",
      duration_ms: 3,
      upstream_calls: 1,
      monitors: [
        {
          id: 7,
          name: "5xx rate on api-gateway",
          state: "Alert",
          tags: [],
          last_triggered: END - 30 * 60_000,
        },
        { id: 8, name: "CPU on api-gateway", state: "OK", tags: [] },
      ],
    },
    {
      step_id: "s3",
      tool: "events",
      status: "ok",
      duration_ms: 3,
      upstream_calls: 1,
      events: [
        { id: "e1", title: "Deployed api-gateway v2.3.1", time: END - 40 * 60_000, tags: [], type: "deploy" },
      ],
    },
    {
      step_id: "s4",
      tool: "logs",
      status: "ok",
      duration_ms: 3,
      upstream_calls: 1,
      logs: {
        error_counts: Array.from(
          { length: 96 },
          (_, i) => [END - DAY + i * 900_000, i > 92 ? 400 : 3] as const,
        ),
        total_errors: 1_500,
        top_messages: [
          { message: "upstream connect error\nor disconnect/reset before headers", count: 1_200 },
        ],
      },
    },
  ];
  const evidence: Evidence = { window, results, data_source: "demo" };
  const burst = series[burstAt];
  const analysis: AnalysisResult = {
    findings: burst
      ? [finding("f1", burst.metric, 0.9, burst.group[0]), finding("f2", "trace.http.request.hits", 0.4)]
      : [],
    stats: series.map(statsOf),
    coverage: 1,
    missing: [],
  };
  return { evidence, analysis };
}

describe("formatContext", () => {
  it("keeps 100 series of 1,440 points within a 6,000-token budget", () => {
    const { evidence, analysis } = fixture(100, 1440);
    const question = "Why are 5xx errors up on api-gateway?";
    const started = performance.now();
    const out = formatContext({ question, analysis, evidence, budgetTokens: 6000, countTokens });
    const elapsed = performance.now() - started;
    const rawStarted = performance.now();
    const raw = rawEvidenceTokens(evidence, countTokens);
    const rawElapsed = performance.now() - rawStarted;

    console.log(
      `formatContext: 100 series x 1440 points -> ${out.tokens} tokens in ${elapsed.toFixed(0)} ms ` +
        `(stats ${out.sections.stats}, points ${out.sections.points}); raw JSON ${raw} tokens ` +
        `(counted in ${rawElapsed.toFixed(0)} ms), ratio 1:${(raw / out.tokens).toFixed(0)}`,
    );
    expect(out.tokens).toBeLessThanOrEqual(6000);
    expect(countTokens(out.text)).toBe(out.tokens);
    expect(out.tokens).toBeGreaterThan(4000);
    expect(out.sections.findings).toBe(2);
    expect(out.sections.points).toBeGreaterThan(0);
    expect(out.truncated).toBe(true);
    expect(raw / out.tokens).toBeGreaterThan(50);
  });

  it("puts every finding, with its numbers, before any series statistics", () => {
    const { evidence, analysis } = fixture(20, 1440);
    const { text } = formatContext({
      question: "errors?",
      analysis,
      evidence,
      budgetTokens: 3000,
      countTokens,
    });
    const f1 = text.indexOf("[f1] critical errors trace.http.request.errors -35m..0:");
    expect(f1).toBeGreaterThan(0);
    expect(text).toContain("baseline=12.3, peak=98.8, change_pct=712, started_at=-35m");
    expect(text.indexOf("[f2]")).toBeGreaterThan(f1);
    expect(text.indexOf("## Series")).toBeGreaterThan(text.indexOf("[f2]"));
  });

  it("gives the forecasts of bounded resources after the findings, in shares used", () => {
    const { evidence, analysis } = fixture(5, 60);
    const forecasts = [
      {
        series: "system.disk.in_use{host:db-1}",
        metric: "system.disk.in_use",
        resource: "disk" as const,
        current: 0.81,
        used_now: 0.81,
        threshold_used: 0.9,
        trend_pp_per_hour: 0.8,
        hours_to_threshold: 11.2,
        hours_to_full: 23.7,
        horizon_h: 24,
        finding: "f1",
      },
    ];
    const { text } = formatContext({
      question: "predict scaling needs",
      analysis: { ...analysis, forecasts },
      evidence,
      budgetTokens: 3000,
      countTokens,
    });
    const line = "system.disk.in_use{host:db-1} disk: used 81% now, +0.8pp/h, 90% in 11.2h, full in 23.7h";
    expect(text).toContain(line);
    expect(text.indexOf(line)).toBeGreaterThan(text.indexOf("[f2]"));
    expect(text.indexOf(line)).toBeLessThan(text.indexOf("## Series"));
  });

  it("ranks the series a finding rests on first, then the kinds the question names", () => {
    const { evidence, analysis } = fixture(20, 1440);
    const { text } = formatContext({
      question: "Is memory leaking?",
      analysis,
      evidence,
      budgetTokens: 4000,
      countTokens,
    });
    const lines = text.split("\n");
    const series = lines.slice(lines.findIndex((l) => l.startsWith("## Series")) + 1);
    expect(series[0]).toMatch(/^trace\.http\.request\.errors\{host:web-10\}/);
    expect(series[1]).toMatch(/^trace\.http\.request\.errors\{host:web-0\}/);
    expect(series.slice(2, 4).every((l) => l.startsWith("trace.http.request.hits"))).toBe(true);
    expect(
      series
        .slice(4, 8)
        .some((l) => l.startsWith("system.mem.pct_usable") || l.startsWith("container.memory")),
    ).toBe(true);
  });

  it("shows downsampled points for the most relevant series first, keeping the burst", () => {
    const { evidence, analysis } = fixture(20, 1440);
    const out = formatContext({ question: "errors?", analysis, evidence, budgetTokens: 4000, countTokens });
    const lines = out.text.split("\n");
    const burstLine = lines[lines.findIndex((l) => l.startsWith("## Points")) + 1];
    expect(burstLine).toMatch(/\(60 of 1440\)/);
    // The burst (8x the base) shows in the last 35 minutes, among the 60 points kept of 1,440.
    const pairs = (burstLine ?? "").split(": ")[1]?.split(", ") ?? [];
    const recent = pairs.filter((p) => /^-(\d|[12]\d|3[0-5])m /.test(p) || /^-\d+s /.test(p));
    const early = pairs.filter((p) => /^-\d+h/.test(p));
    const value = (p: string): number => Number(p.split(" ")[1]);
    expect(Math.min(...recent.map(value))).toBeGreaterThan(5 * Math.max(...early.map(value)));
  });

  it("summarises monitors, events and error logs compactly", () => {
    const { evidence, analysis } = fixture(3, 1440);
    const { text } = formatContext({
      question: "errors?",
      analysis,
      evidence,
      budgetTokens: 4000,
      countTokens,
    });
    expect(text).toContain('Alert "5xx rate on api-gateway" (id 7, in this state since -30m)');
    expect(text).toContain("1 OK");
    expect(text).toContain('-40m deploy "Deployed api-gateway v2.3.1"');
    expect(text).toContain('x1.2k "upstream connect error or disconnect/reset before headers"');
  });

  it("includes everything, untruncated, when the evidence is small", () => {
    const { evidence, analysis } = fixture(3, 60);
    const out = formatContext({ question: "errors?", analysis, evidence, budgetTokens: 6000, countTokens });
    expect(out.truncated).toBe(false);
    expect(out.sections).toEqual({ findings: 2, stats: 3, points: 3 });
  });

  it("never exceeds the budget, however small", () => {
    const { evidence, analysis } = fixture(30, 1440);
    for (const budget of [0, 10, 60, 150, 400, 1000, 2500]) {
      const out = formatContext({
        question: "errors?",
        analysis,
        evidence,
        budgetTokens: budget,
        countTokens,
      });
      expect(countTokens(out.text)).toBeLessThanOrEqual(budget);
      expect(out.tokens).toBe(countTokens(out.text));
    }
  });
});

describe("formatContext on a real analysis", () => {
  it("lists every finding of the demo 5xx incident and leads the series with the errors", () => {
    const scenario = demoScenarioFor("api-gateway");
    const series: Series[] = scenario.series.map((s) => ({
      metric: s.metric,
      query: `avg:${s.metric}{service:api-gateway}`,
      group: [],
      points: generateSeries(scenario, s, END, window.start, END),
      interval_s: 120,
    }));
    const plan: Plan = {
      intent: "errors",
      window,
      rationale: "",
      source: "offline",
      steps: [
        ...series.map((s, i) => ({
          id: `m${i + 1}`,
          tool: "metrics" as const,
          query: { metric: s.metric, aggregator: "avg" as const, by: [], as_count: false },
          reason: "",
        })),
        { id: "monitors", tool: "monitors", reason: "" },
        { id: "events", tool: "events", reason: "" },
        { id: "logs", tool: "logs", filter: "status:error", reason: "" },
      ],
    };
    const meta = { duration_ms: 1, upstream_calls: 1, status: "ok" as const };
    const evidence: Evidence = {
      window,
      data_source: "demo",
      results: [
        ...series.map((s, i) => ({ ...meta, step_id: `m${i + 1}`, tool: "metrics" as const, series: [s] })),
        { ...meta, step_id: "monitors", tool: "monitors", monitors: scenarioMonitors(scenario, END) },
        {
          ...meta,
          step_id: "events",
          tool: "events",
          events: scenarioEvents(scenario, END, window.start, END),
        },
        {
          ...meta,
          step_id: "logs",
          tool: "logs",
          logs: generateLogs(scenario, END, window.start, END, 600_000),
        },
      ],
    };
    const analysis = analyzeEvidence({ evidence, plan });
    const out = formatContext({
      question: "Investigate recent 5xx errors",
      analysis,
      evidence,
      budgetTokens: 2500,
      countTokens,
    });

    expect(analysis.findings.length).toBeGreaterThan(0);
    expect(out.tokens).toBeLessThanOrEqual(2500);
    expect(out.sections.findings).toBe(analysis.findings.length);
    for (const f of analysis.findings) expect(out.text).toContain(`[${f.id}]`);
    const lines = out.text.split("\n");
    expect(lines[lines.indexOf(lines.find((l) => l.startsWith("## Series")) ?? "") + 1]).toMatch(
      /^trace\.http\.request\.errors /,
    );
  });
});
