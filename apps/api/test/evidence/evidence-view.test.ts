import { describe, expect, it } from "vitest";
import { EMPTY_USAGE, type Finding, type JobResult, type Series, type ToolResult } from "@orch/core";
import type { StoredJob } from "@orch/queue";
import { EVIDENCE_LIMITS, evidenceView } from "../../src/evidence/evidence-view.js";
import { evidenceViewSchema } from "../../src/ops/openapi-console-schemas.js";

const T0 = 1_700_000_000_000;
const WINDOW = { start: T0, end: T0 + 3_600_000, label: "last hour" };

function series(metric: string, values: ReadonlyArray<number | null>, over: Partial<Series> = {}): Series {
  return {
    metric,
    query: `avg:${metric}{service:db}`,
    group: [],
    points: values.map((v, i) => [T0 + i * 20_000, v] as const),
    interval_s: 20,
    ...over,
  };
}

const metrics = (step: string, list: Series[]): ToolResult => ({
  step_id: step,
  tool: "metrics",
  status: "ok",
  duration_ms: 1,
  upstream_calls: 1,
  series: list,
});

function finding(id: string, metric: string, evidence: Finding["evidence"]): Finding {
  return {
    id,
    category: "saturation",
    severity: "critical",
    metric,
    window: { start: T0 + 1_800_000, end: WINDOW.end },
    evidence,
    summary: `${metric} is high`,
    score: 0.9,
    state: "ongoing",
  };
}

function job(results: ToolResult[], findings: Finding[], question = "How is the database?"): StoredJob {
  return {
    id: "job1",
    owner: "alice",
    status: "completed",
    request: { service_id: "db", user_message: question },
    created_at: new Date(T0).toISOString(),
    updated_at: new Date(T0).toISOString(),
    deadline_ms: T0 + 60_000,
    outputs: {
      execution: { window: WINDOW, results, data_source: "demo" },
      feedback: { findings } as unknown as JobResult,
    },
    saved: ["planning", "execution", "feedback"],
    usage: EMPTY_USAGE,
    runs: { planning: 1, execution: 1, feedback: 1 },
    round: 1,
    round_runs: {},
    round_ms: {},
    step_count: 0,
    phase_ms: {},
  };
}

const ramp = (n: number, from: number, to: number) =>
  Array.from({ length: n }, (_, i) => from + ((to - from) * i) / (n - 1));

describe("the evidence of a job, as charts need it", () => {
  it("puts the findings' metrics first, each usage with the limit read beside it, and the findings' thresholds and windows", () => {
    const view = evidenceView(
      job(
        [
          metrics("m1", [series("system.cpu.user", ramp(181, 20, 30), { unit: "percent" })]),
          metrics("m2", [series("postgresql.connections", ramp(181, 50, 95), { unit: "connection" })]),
          metrics("m3", [
            series("postgresql.max_connections", Array<number>(181).fill(100), { unit: "connection" }),
          ]),
          {
            step_id: "events",
            tool: "events",
            status: "ok",
            duration_ms: 1,
            upstream_calls: 1,
            events: [
              {
                id: "e1",
                title: "Deployed db v2",
                time: T0 + 1_700_000,
                tags: ["version:2"],
                type: "deploy",
              },
            ],
          },
        ],
        [
          finding("F1", "postgresql.connections", {
            threshold: 90,
            threshold_level: "critical",
            baseline: 50,
            unit: "connection",
          }),
        ],
      ),
    );
    evidenceViewSchema.parse(view);
    expect(view.series.map((s) => [s.metric, s.role, s.limit_of])).toEqual([
      ["postgresql.connections", "finding", null],
      ["postgresql.max_connections", "limit", "postgresql.connections"],
      ["system.cpu.user", "key", null],
    ]);
    expect(view.series[0]).toMatchObject({
      findings: ["F1"],
      unit: "connection",
      unit_family: "count",
      points_read: 181,
    });
    expect(view.series[2]).toMatchObject({ unit: "percent", unit_family: "share", unit_scale: 0.01 });
    expect(view.thresholds).toEqual([
      {
        metric: "postgresql.connections",
        group: null,
        value: 90,
        level: "critical",
        label: "critical threshold",
        finding: "F1",
      },
      {
        metric: "postgresql.connections",
        group: null,
        value: 50,
        level: "baseline",
        label: "baseline",
        finding: "F1",
      },
    ]);
    expect(view.windows).toEqual([
      expect.objectContaining({
        finding: "F1",
        metric: "postgresql.connections",
        start: T0 + 1_800_000,
        end: WINDOW.end,
      }),
    ]);
    expect(view.events).toEqual([
      { id: "e1", time: T0 + 1_700_000, title: "Deployed db v2", type: "deploy", tags: ["version:2"] },
    ]);
    expect(view.window).toEqual({ start: WINDOW.start, end: WINDOW.end, label: "last hour" });
  });

  it("downsamples long series to the cap, keeping the first and last points, the peak and the gaps", () => {
    const values: Array<number | null> = ramp(2000, 0, 10);
    values[1000] = 500;
    for (let i = 1500; i < 1510; i++) values[i] = null;
    const view = evidenceView(job([metrics("m1", [series("app.queue.depth", values)])], []));
    const [s] = view.series;
    expect(s?.points_read).toBe(2000);
    expect(s?.downsampled).toBe(true);
    expect(s?.points.length).toBeLessThanOrEqual(EVIDENCE_LIMITS.pointsPerSeries);
    expect(s?.points[0]).toEqual([T0, 0]);
    expect(s?.points.at(-1)).toEqual([T0 + 1999 * 20_000, 10]);
    expect(s?.points.some(([, v]) => v === 500)).toBe(true);
    expect(s?.points.filter(([, v]) => v === null)).toEqual([[T0 + 1500 * 20_000, null]]);
  });

  it("keeps a breakdown's groups together, bounds the groups per metric and the metrics charted", () => {
    const hosts = Array.from({ length: 20 }, (_, i) =>
      series("app.latency", ramp(30, 1, 2), { group: [`host:h${i}`] }),
    );
    const others = Array.from({ length: 12 }, (_, i) => series(`app.other${i}`, ramp(30, 1, 2)));
    const named = {
      ...finding("F1", "app.latency", { baseline: 1 }),
      summary: "app.latency{host:h13} stepped up",
    };
    const view = evidenceView(
      job([metrics("m1", hosts), metrics("m2", others)], [named], "Why is latency up?"),
    );
    const latency = view.series.filter((s) => s.metric === "app.latency");
    expect(latency).toHaveLength(EVIDENCE_LIMITS.seriesPerMetric);
    // The group the finding names comes first, and its window and baseline are that group's.
    expect(latency[0]?.group).toEqual(["host:h13"]);
    expect(view.windows.map((w) => w.group)).toEqual([["host:h13"]]);
    expect(view.thresholds.map((t) => t.group)).toEqual([["host:h13"]]);
    expect(view.series.slice(0, latency.length).every((s) => s.metric === "app.latency")).toBe(true);
    expect(new Set(view.series.map((s) => s.metric)).size).toBe(EVIDENCE_LIMITS.metrics);
    expect(view.omitted_series).toBe(32 - view.series.length);
  });

  it("charts error logs when a finding rests on them, and nothing before the data is read", () => {
    const logs: ToolResult = {
      step_id: "logs",
      tool: "logs",
      status: "ok",
      duration_ms: 1,
      upstream_calls: 1,
      logs: {
        error_counts: ramp(10, 0, 9).map((v, i) => [T0 + i * 60_000, v] as const),
        total_errors: 45,
        top_messages: [],
      },
    };
    const view = evidenceView(job([logs], [finding("F1", "logs", { unit: "entry" })]));
    expect(view.series.map((s) => [s.metric, s.label, s.role, s.unit])).toEqual([
      ["logs", "error logs", "finding", "entry"],
    ]);

    const queued = { ...job([], []), status: "planning" as const, outputs: {} };
    expect(evidenceView(queued)).toMatchObject({ series: [], windows: [], events: [], window: null });
  });
});
