import { describe, expect, it } from "vitest";
import type { Series } from "../evidence.js";
import { generateSeries } from "../scenario/scenario-generator.js";
import { parseScenario, type ScenarioInput } from "../scenario/scenario-schema.js";
import { degradedAgainstHistory, judgeAgainstHistory, judgeAgainstOwnWeeks } from "./history.js";
import { detectSeries } from "./series-detections.js";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";

const ANCHOR = Date.UTC(2025, 2, 3, 14, 0); // a Monday
const DAY = 86_400_000;

/** A series of the scenario over the window ending at the anchor, `shiftMs` earlier, shown at today's times. */
function read(
  input: Omit<ScenarioInput, "id" | "question" | "service">,
  shiftMs = 0,
): { series: Series; window: { start: number; end: number; label: string } } {
  const scenario = parseScenario({ id: "h", question: "q", service: "shop", ...input });
  const ms = input.window === "14d" ? 14 * DAY : input.window === "7d" ? 7 * DAY : 3_600_000;
  const window = { start: ANCHOR - ms, end: ANCHOR, label: `last ${input.window}` };
  const spec = scenario.series[0]!;
  const points = generateSeries(scenario, spec, ANCHOR, window.start - shiftMs, window.end - shiftMs).map(
    ([t, v]): [number, number | null] => [t + shiftMs, v],
  );
  const interval = points.length > 1 ? (points[1]![0] - points[0]![0]) / 1000 : 60;
  return {
    series: { metric: spec.metric, query: spec.metric, group: [], points, interval_s: interval },
    window,
  };
}

describe("judging a window against its history", () => {
  const weekly = {
    window: "7d",
    seed: 4,
    series: [
      {
        metric: "trace.http.request.hits",
        baseline: 6000,
        noise: 0.04,
        integer: true,
        seasonality: { amplitude: 0.3, weekly: { weekend_factor: 0.4 } },
      },
    ],
  };

  it("calls a weekend dip that last week had too a weekly pattern, not an incident", () => {
    const { series, window } = read(weekly);
    const { series: week } = read(weekly, 7 * DAY);
    const own = detectSeries(series, window);
    expect(own.some((d) => d.severity !== "info")).toBe(true);
    const judged = judgeAgainstHistory(own, series, { week }, window);
    expect(judged.filter((d) => d.severity !== "info")).toEqual([]);
    expect(judged.some((d) => /same happened last \w+day at this time/.test(d.summary))).toBe(true);
  });

  it("keeps a dip that last week did not have", () => {
    const incident = {
      ...weekly,
      series: [
        {
          ...weekly.series[0]!,
          incidents: [{ type: "dip" as const, start: "-3d", end: "-2d", factor: 0.2 }],
        },
      ],
    };
    const { series, window } = read(incident);
    const { series: week } = read(weekly, 7 * DAY);
    const judged = judgeAgainstHistory(detectSeries(series, window), series, { week }, window);
    expect(judged.some((d) => d.severity !== "info" && d.category === "traffic")).toBe(true);
  });

  it("sees a level far from last week's all window long as trouble that began before the window", () => {
    const slow = {
      window: "1h",
      seed: 2,
      series: [
        {
          metric: "trace.http.request.duration.by.service.95p",
          baseline: 0.2,
          noise: 0.05,
          incidents: [{ type: "step" as const, start: "-3h", factor: 2.2 }],
        },
      ],
    };
    const healthy = { ...slow, series: [{ ...slow.series[0]!, incidents: [] }] };
    const { series, window } = read(slow);
    const { series: week } = read(healthy, 7 * DAY);
    const own = detectSeries(series, window);
    expect(own.filter((d) => d.severity !== "info")).toEqual([]);
    const degraded = degradedAgainstHistory(series, { week }, window, undefined, own);
    expect(degraded).toMatchObject({ category: "latency", anomaly: "history" });
    expect(degraded?.summary).toMatch(/already higher when the window began/);
    expect(degradedAgainstHistory(read(healthy).series, { week }, window, undefined, [])).toBeUndefined();
  });

  it("in a two-week window, calls each weekend dip a weekly pattern because the other week has it too", () => {
    const fortnight = { ...weekly, window: "14d" };
    const { series, window } = read(fortnight);
    const own = detectSeries(series, window);
    expect(own.some((d) => d.severity !== "info")).toBe(true);
    const judged = judgeAgainstOwnWeeks(own, series, window);
    expect(judged.filter((d) => d.severity !== "info")).toEqual([]);
    expect(
      judged.some((d) => /the \w+day (before|after) at this time, within the window/.test(d.summary)),
    ).toBe(true);
    expect(judged.find((d) => d.evidence.rhythm === "weekly")).toBeDefined();
  });

  it("in a two-week window, keeps a dip that only one of the weeks had", () => {
    const fortnight = {
      ...weekly,
      window: "14d",
      series: [
        {
          ...weekly.series[0]!,
          incidents: [{ type: "dip" as const, start: "-3d", end: "-2d", factor: 0.2 }],
        },
      ],
    };
    const { series, window } = read(fortnight);
    const judged = judgeAgainstOwnWeeks(detectSeries(series, window), series, window);
    expect(judged.some((d) => d.severity !== "info" && d.category === "traffic")).toBe(true);
  });

  it("judges a change that fills the window by following history point by point", () => {
    const { series, window } = read(weekly);
    const { series: week } = read(weekly, 7 * DAY);
    const whole = {
      key: series.metric,
      metric: series.metric,
      category: "traffic" as const,
      severity: "warning" as const,
      anomaly: "ramp" as const,
      start: window.start + 3_600_000,
      end: window.end,
      evidence: {},
      summary: "traffic ramped",
      magnitude: 1,
      priority: 1,
    };
    expect(judgeAgainstHistory([whole], series, { week }, window)[0]?.severity).toBe("info");
    const other = {
      ...week,
      points: week.points.map(([t, v]): [number, number | null] => [t, v === null ? null : v * 3]),
    };
    expect(judgeAgainstHistory([whole], series, { week: other }, window)[0]?.severity).toBe("warning");
  });
});

describe("a disk filling all through a two-week window", () => {
  it("is no weekly rhythm, though each week climbs like the other", () => {
    const { evidence, plan } = scenarioEvidence(
      {
        id: "fill",
        service: "db",
        question: "How fast is disk filling up?",
        window: "14d",
        series: [
          {
            metric: "system.disk.utilized",
            baseline: 55,
            noise: 0.01,
            incidents: [{ type: "ramp", start: "-20160m", end: "0", to: 88 }],
          },
        ],
      },
      { intent: "capacity" },
    );
    const disk = analyzeEvidence({ evidence, plan }).findings.find(
      (f) => f.metric === "system.disk.utilized",
    );

    expect(disk?.severity).not.toBe("info");
    expect(disk?.evidence.rhythm).toBeUndefined();
  });
});
