import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  executePlan,
  needsMetadata,
  parseScenario,
  serviceScope,
  type MetricsSource,
  type Plan,
  type StepDraft,
  type ToolResult,
} from "@orch/core";
import { startFakeDatadog, type FakeDatadog } from "@orch/testkit";
import { DatadogSource, DemoSource } from "@orch/datadog";

const ANCHOR = Date.UTC(2025, 0, 15, 12, 0, 0);
const WINDOW = { start: ANCHOR - 3_600_000, end: ANCHOR, label: "last hour" };

/** A custom metric the catalog does not know, with the metadata Datadog has for it, and a standard one. */
const widgets = parseScenario({
  id: "widgets",
  service: "widgets",
  question: "How are the widgets?",
  series: [
    {
      metric: "acme.widgets.shipped",
      baseline: 12,
      unit: "item",
      per_unit: "second",
      metric_type: "rate",
    },
    { metric: "system.cpu.user", baseline: 30, max: 100 },
  ],
});

const plan: Plan = {
  intent: "health",
  window: WINDOW,
  rationale: "test",
  source: "offline",
  steps: [
    {
      id: "s1",
      tool: "metrics",
      query: { metric: "acme.widgets.shipped", aggregator: "avg", by: [], as_count: false },
      reason: "",
    },
    {
      id: "s2",
      tool: "metrics",
      query: { metric: "acme.widgets.shipped", aggregator: "max", by: [], as_count: false },
      reason: "",
    },
    {
      id: "s3",
      tool: "metrics",
      query: { metric: "system.cpu.user", aggregator: "avg", by: [], as_count: false },
      reason: "",
    },
  ],
};

type MetricResult = Extract<ToolResult, { tool: "metrics"; status: "ok" }>;

async function execute(source: MetricsSource) {
  const steps: StepDraft[] = [];
  const outcome = await executePlan(
    { source, now: Date.now, concurrency: 3, onStep: (s) => steps.push(s) },
    plan,
    serviceScope("widgets"),
    new AbortController().signal,
  );
  const results = outcome.evidence.results as MetricResult[];
  const step = (metricName: string) => steps.filter((s) => s.name === `metrics:${metricName}`);
  return { outcome, results, step };
}

describe("reading a metric's metadata beside its series", () => {
  let fake: FakeDatadog;

  beforeAll(async () => {
    fake = await startFakeDatadog({
      anchor: () => ANCHOR,
      scenarios: () => widgets,
      services: () => ["widgets"],
    });
  });
  afterAll(() => fake.close());

  it("reads metadata only for a metric the catalog does not know", () => {
    expect(needsMetadata("acme.widgets.shipped")).toBe(true);
    expect(needsMetadata("go_TestMetrics_local_1589290338")).toBe(true);
    expect(needsMetadata("system.cpu.user")).toBe(false);
  });

  it("attaches Datadog's metadata and the series' unit, reads it once per metric, and says so in the trace", async () => {
    const source = new DatadogSource({
      apiKey: fake.apiKey,
      appKey: fake.appKey,
      apiUrl: fake.url,
      maxRetries: 0,
    });

    const { results, step, outcome } = await execute(source);

    const [avg, max, cpu] = results;
    const metadata = { type: "rate", unit: "item", per_unit: "second" };
    expect(avg).toMatchObject({ status: "ok", metadata });
    expect(max).toMatchObject({ status: "ok", metadata });
    expect(avg?.series[0]?.source_unit).toEqual({ name: "item", per: "second" });
    expect(cpu).not.toHaveProperty("metadata");
    expect(cpu?.series[0]).not.toHaveProperty("source_unit");
    expect(fake.count("/api/v1/metrics/acme.widgets.shipped")).toBe(1);
    expect(fake.count("/api/v1/metrics/system.cpu.user")).toBe(0);
    expect(step("acme.widgets.shipped").map((s) => s.summary)).toEqual([
      expect.stringContaining("metadata read: rate, item per second"),
      expect.stringContaining("metadata read: rate, item per second"),
    ]);
    expect(step("system.cpu.user")[0]?.summary).not.toContain("metadata");
    // Three queries in one request, and one metadata read.
    expect(fake.count("/api/v1/query")).toBe(1);
    expect(outcome.upstream_calls).toBe(2);
  });

  it("gives the same metadata and units from the demo source", async () => {
    const { results } = await execute(new DemoSource({ scenarios: () => widgets, anchor: () => ANCHOR }));

    expect(results[0]).toMatchObject({ metadata: { type: "rate", unit: "item", per_unit: "second" } });
    expect(results[0]?.series[0]?.source_unit).toEqual({ name: "item", per: "second" });
  });

  it("keeps the series when the metadata read fails, and says why in the trace", async () => {
    fake.inject({ kind: "server_error", status: 503, path: "/api/v1/metrics/" });
    const source = new DatadogSource({
      apiKey: fake.apiKey,
      appKey: fake.appKey,
      apiUrl: fake.url,
      maxRetries: 0,
    });

    const { results, step } = await execute(source);

    expect(results[0]).toMatchObject({ status: "ok" });
    expect(results[0]).not.toHaveProperty("metadata");
    expect(results[0]?.series[0]?.points.length).toBeGreaterThan(100);
    expect(step("acme.widgets.shipped")[0]?.summary).toMatch(/metadata unavailable \(upstream_error: .*503/);
  });
});
