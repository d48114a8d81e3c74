import { describe, expect, it } from "vitest";
import { generateSeries, scenarioMonitors } from "./scenario-generator.js";
import { renderQuestion } from "./scenario-question.js";
import { parseScenario, type ScenarioInput } from "./scenario-schema.js";
import { textMatches } from "./text-matcher.js";

const ANCHOR = Date.UTC(2025, 2, 3, 14, 0, 0); // a Monday
const H = 3_600_000;
const D = 24 * H;

const scenario = (series: ScenarioInput["series"], extra: Partial<ScenarioInput> = {}) =>
  parseScenario({ id: "s", service: "svc", question: "q", window: "6h", series, ...extra });

const values = (points: ReadonlyArray<readonly [number, number | null]>) =>
  points.map(([, v]) => v).filter((v): v is number => v !== null);

describe("scenario series shapes", () => {
  it("makes a cumulative counter that only grows, at the modelled rate per second", () => {
    const s = scenario([{ metric: "http_requests_total", baseline: 50, noise: 0.1, cumulative: true }]);
    const series = s.series[0]!;
    const points = generateSeries(s, series, ANCHOR, ANCHOR - 6 * H, ANCHOR, 60);
    const v = values(points);
    for (let i = 1; i < v.length; i++) expect(v[i]!).toBeGreaterThanOrEqual(v[i - 1]!);
    const perSecond = (v[v.length - 1]! - v[0]!) / (6 * 3600 - 60);
    expect(perSecond).toBeGreaterThan(45);
    expect(perSecond).toBeLessThan(55);
  });

  it("restarts a counter from about zero at a reset and climbs again", () => {
    const s = scenario([
      {
        metric: "http_requests_total",
        baseline: 50,
        cumulative: true,
        incidents: [{ type: "reset", start: "-2h" }],
      },
    ]);
    const series = s.series[0]!;
    const before = generateSeries(
      s,
      series,
      ANCHOR,
      ANCHOR - 2 * H - 5 * 60_000,
      ANCHOR - 2 * H - 60_000,
      60,
    );
    const after = generateSeries(s, series, ANCHOR, ANCHOR - 2 * H + 60_000, ANCHOR - 2 * H + 5 * 60_000, 60);
    expect(values(before)[0]!).toBeGreaterThan(1_000_000);
    expect(values(after)[0]!).toBeLessThan(50 * 61 * 1.2);
    const late = values(generateSeries(s, series, ANCHOR, ANCHOR - 10 * 60_000, ANCHOR, 60));
    expect(late[late.length - 1]!).toBeGreaterThan(50 * 7000);
  });

  it("reads the same counter value whatever window a read asks for", () => {
    const s = scenario([{ metric: "c_total", baseline: 5, noise: 0.2, cumulative: true }]);
    const series = s.series[0]!;
    const short = new Map(generateSeries(s, series, ANCHOR, ANCHOR - H, ANCHOR, 60));
    const long = generateSeries(s, series, ANCHOR, ANCHOR - 3 * H, ANCHOR, 60);
    for (const [t, v] of long) if (short.has(t)) expect(short.get(t)).toBe(v);
  });

  it("gives no counter data from before the counter's history, never a flat total", () => {
    const s = scenario([{ metric: "c_total", baseline: 5, cumulative: true }]);
    const series = s.series[0]!;
    const ancient = generateSeries(s, series, ANCHOR, ANCHOR - 40 * D, ANCHOR - 39 * D, 3600);
    expect(values(ancient)).toEqual([]);
    const weekBefore = values(generateSeries(s, series, ANCHOR, ANCHOR - 14 * D, ANCHOR - 13 * D, 3600));
    expect(weekBefore.length).toBeGreaterThan(0);
    expect(weekBefore[weekBefore.length - 1]!).toBeGreaterThan(weekBefore[0]!);
  });

  it("lowers the level on the weekend and not on weekdays", () => {
    const s = scenario(
      [{ metric: "hits", baseline: 100, noise: 0, seasonality: { weekly: { weekend_factor: 0.4 } } }],
      { window: "7d" },
    );
    const series = s.series[0]!;
    const at = (t: number) => values(generateSeries(s, series, ANCHOR, t - 1, t, 1))[0];
    expect(at(ANCHOR - 2 * D)).toBeCloseTo(40); // Saturday 14:00
    expect(at(ANCHOR - D)).toBeCloseTo(40); // Sunday 14:00
    expect(at(ANCHOR - 4 * D)).toBeCloseTo(100); // Thursday
    expect(at(ANCHOR)).toBeCloseTo(100); // Monday
  });

  it("reflects noise above a maximum instead of clamping it to runs of the maximum", () => {
    const s = scenario([{ metric: "pool.used_pct", baseline: 100, noise: 0.02, max: 100 }]);
    const v = values(generateSeries(s, s.series[0]!, ANCHOR, ANCHOR - H, ANCHOR, 20));
    expect(Math.max(...v)).toBeLessThanOrEqual(100);
    expect(v.filter((x) => x === 100).length).toBeLessThan(v.length / 10);
  });
});

describe("scenario monitors", () => {
  it("leaves the service tag out when the monitor names the service only in its query", () => {
    const s = scenario([{ metric: "mm", baseline: 1 }], {
      monitors: [
        {
          name: "queue depth",
          state: "Alert",
          type: "metric alert",
          query: "avg(last_5m):avg:rabbitmq.queue.messages{service:svc} > 1000",
          service_tag: false,
          state_since: "-400d",
        },
      ],
    });
    const [m] = scenarioMonitors(s, ANCHOR);
    expect(m?.tags).not.toContain("service:svc");
    expect(m?.type).toBe("metric alert");
    expect(m?.state_since).toBe(ANCHOR - 400 * D);
  });
});

describe("scenario expectations", () => {
  it("accepts a list of categories, a state, answer text and a window choice", () => {
    const s = scenario([{ metric: "mm", baseline: 1 }], {
      timeframe: null,
      expected: {
        findings: [{ category: ["saturation", "memory_leak"], state: "ongoing" }],
        answer: {
          must_mention: ["maxmemory", "/evict(ed|ing|ions)/"],
          must_not_mention: ["no problems found"],
        },
        window: { min: "24h" },
      },
    });
    expect(s.timeframe).toBeNull();
    expect(s.expected.findings[0]?.category).toEqual(["saturation", "memory_leak"]);
    expect(s.expected.answer?.lead).toEqual([]);
  });

  it("refuses a reset on a series that is not cumulative, and a bad regular expression", () => {
    expect(() =>
      scenario([{ metric: "mm", baseline: 1, incidents: [{ type: "reset", start: "-1h" }] }]),
    ).toThrow(/cumulative/);
    expect(() =>
      scenario([{ metric: "mm", baseline: 1 }], { expected: { answer: { must_mention: ["/(unclosed/"] } } }),
    ).toThrow(/regular expression/);
  });

  it("matches answer text case-insensitively, as a substring or a regular expression", () => {
    expect(textMatches("MaxMemory", "at 99% of maxmemory")).toBe(true);
    expect(textMatches("/evict(ed|ing)/", "Keys are EVICTED")).toBe(true);
    expect(textMatches("no problems found", "problems found")).toBe(false);
  });
});

describe("scenario questions", () => {
  it("fills time placeholders for the run's anchor", () => {
    expect(
      renderQuestion("errors {{weekday:-1d}} between {{time:-26h}} and {{time:-25h}} UTC?", ANCHOR),
    ).toBe("errors Sunday between 12:00 and 13:00 UTC?");
    expect(renderQuestion("since {{iso:-90m}} on {{date:0}}", ANCHOR)).toBe(
      "since 2025-03-03T12:30:00Z on 2025-03-03",
    );
    expect(() => scenario([{ metric: "mm", baseline: 1 }], { question: "what {{when:-1h}}" })).toThrow(
      /placeholder/,
    );
  });
});
