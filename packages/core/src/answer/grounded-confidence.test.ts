import { describe, expect, it } from "vitest";
import type { AnalysisResult, SeriesStats } from "../analysis-result.js";
import type { Finding } from "../finding.js";
import { groundedConfidence } from "./grounded-confidence.js";

const stat = (metric: string, count = 720, gaps = 0): SeriesStats => ({
  metric,
  query: `avg:${metric}{service:x}`,
  group: [],
  count,
  gaps,
  current: 1,
  mean: 1,
  min: 1,
  max: 1,
  p50: 1,
  p95: 1,
  p99: 1,
  slope_per_hour: 0,
  change_pct: 0,
});

const finding = (id: string, over: Partial<Finding> = {}): Finding => ({
  id,
  state: "ongoing",
  category: "errors",
  severity: "critical",
  metric: "trace.http.request.errors",
  window: { start: 1_000_000, end: 2_000_000 },
  evidence: {},
  summary: "errors burst",
  score: 0.9,
  ...over,
});

const healthy: AnalysisResult = {
  findings: [],
  stats: ["a", "b", "c", "d", "e"].map((m) => stat(m)),
  coverage: 1,
  missing: [],
};

describe("groundedConfidence", () => {
  it("stays within [0.05, 0.98]", () => {
    const empty: AnalysisResult = {
      findings: [],
      stats: [],
      coverage: 0,
      missing: [
        "metrics a: timeout",
        "metrics b: timeout",
        "logs: timeout",
        "events: timeout",
        "monitors: timeout",
      ],
    };
    expect(groundedConfidence(empty)).toBeGreaterThanOrEqual(0.05);
    const strong: AnalysisResult = {
      ...healthy,
      findings: [
        finding("F1", { related: ["F2", "F3"] }),
        finding("F2", { metric: "logs", related: ["F1"] }),
        finding("F3", { metric: "events", category: "deploy_regression", related: ["F1"] }),
      ],
    };
    expect(groundedConfidence(strong)).toBeLessThanOrEqual(0.98);
  });

  it("drops when planned reads are missing", () => {
    const missing: AnalysisResult = {
      ...healthy,
      coverage: 0.6,
      missing: ["metrics a: timeout", "logs status:error: rate limited"],
    };
    expect(groundedConfidence(missing)).toBeLessThan(groundedConfidence(healthy) - 0.2);
  });

  it("rises with the strength of the signal and with agreeing findings", () => {
    const weak: AnalysisResult = {
      ...healthy,
      findings: [finding("F1", { severity: "warning", score: 0.4 })],
    };
    const strong: AnalysisResult = { ...healthy, findings: [finding("F1", { score: 0.95 })] };
    const agreeing: AnalysisResult = {
      ...healthy,
      findings: [
        finding("F1", { score: 0.95, related: ["F2"] }),
        finding("F2", { metric: "logs", score: 0.9, related: ["F1"] }),
      ],
    };
    expect(groundedConfidence(strong)).toBeGreaterThan(groundedConfidence(weak));
    expect(groundedConfidence(agreeing)).toBeGreaterThan(groundedConfidence(strong));
  });

  it("trusts an all-clear less when series have gaps or are few", () => {
    const gappy: AnalysisResult = {
      ...healthy,
      stats: healthy.stats.map((s) => ({ ...s, count: 360, gaps: 360 })),
    };
    const thin: AnalysisResult = { ...healthy, stats: [stat("a")] };
    expect(groundedConfidence(gappy)).toBeLessThan(groundedConfidence(healthy));
    expect(groundedConfidence(thin)).toBeLessThan(groundedConfidence(healthy));
  });
});
