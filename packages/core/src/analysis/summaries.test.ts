import { describe, expect, it } from "vitest";
import type { ScenarioInput } from "../scenario/scenario-schema.js";
import { summaryCountOf } from "../metric-catalog.js";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";

type SeriesInput = ScenarioInput["series"][number];

const sum = (factor: number): SeriesInput => ({
  metric: "coredns.request_duration.seconds.sum",
  baseline: 180,
  noise: 0.05,
  unit: "second",
  metric_type: "gauge",
  incidents: [{ type: "step", start: "-60m", factor }],
});
const count = (factor: number): SeriesInput => ({
  metric: "coredns.request_duration.seconds.count",
  baseline: 60_000,
  noise: 0.05,
  integer: true,
  unit: "second",
  metric_type: "gauge",
  incidents: [{ type: "step", start: "-60m", factor }],
});

function findings(series: SeriesInput[]) {
  const { evidence, plan } = scenarioEvidence({
    id: "summary",
    service: "coredns",
    question: "is DNS resolution slow?",
    window: "3h",
    seed: 11,
    series,
  });
  return analyzeEvidence({ evidence, plan });
}

describe("a summary's sum of durations", () => {
  it("names its count", () => {
    expect(summaryCountOf("coredns.request_duration.seconds.sum")).toBe(
      "coredns.request_duration.seconds.count",
    );
    expect(summaryCountOf("http_request_duration_seconds_sum", ["http_request_duration_seconds_count"])).toBe(
      "http_request_duration_seconds_count",
    );
    expect(summaryCountOf("http_request_duration_seconds_sum", [])).toBeUndefined();
    expect(summaryCountOf("coredns.request_duration.seconds.count")).toBeUndefined();
  });

  it("is read per request: eight times the traffic at the same mean is no latency change", () => {
    const result = findings([sum(8), count(8)]);
    expect(result.findings.filter((f) => f.category === "latency" && f.severity !== "info")).toEqual([]);
    expect(result.findings).toContainEqual(
      expect.objectContaining({ category: "traffic", metric: "coredns.request_duration.seconds.count" }),
    );
    const mean = result.stats.find((s) => s.metric === "coredns.request_duration.seconds.sum");
    expect(mean?.mean).toBeGreaterThan(0.002);
    expect(mean?.mean).toBeLessThan(0.004);
  });

  it("shows a real slowdown as the mean per request", () => {
    const latency = findings([sum(8), count(1)]).findings.find((f) => f.category === "latency");
    expect(latency).toMatchObject({ metric: "coredns.request_duration.seconds.sum" });
    expect(latency?.summary).toMatch(/from 3(\.\d+)? ms to 2\d(\.\d)? ms/);
  });

  it("without its count is total time spent, never a latency", () => {
    const result = findings([sum(8)]);
    expect(result.findings.filter((f) => f.category === "latency")).toEqual([]);
  });
});
