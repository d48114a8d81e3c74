import { describe, expect, it } from "vitest";
import type { ScenarioInput } from "../scenario/scenario-schema.js";
import { SCENARIO_ANCHOR } from "../../test/support/scenario-evidence.js";
import { analyzeEvidence } from "./analyze-evidence.js";
import { detectSeries } from "./series-detections.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";

type Incident = NonNullable<ScenarioInput["series"][number]["incidents"]>[number];

/**
 * Traffic on a strong daily cycle (night at a fifth of the evening peak) seen through a 12 h
 * window, too short to show the cycle: the morning climb must not read as an incident.
 */
function trafficFindings(anchor: number, incidents: Incident[] = []) {
  const { evidence, plan } = scenarioEvidence(
    {
      id: "traffic",
      service: "svc",
      question: "How is it doing?",
      window: "12h",
      series: [
        {
          metric: "trace.http.request.hits",
          baseline: 3000,
          noise: 0.12,
          integer: true,
          seasonality: { amplitude: 0.6, peak_hour: 17 },
          incidents,
        },
      ],
    },
    { anchor },
  );
  return analyzeEvidence({ evidence, plan }).findings.filter((f) => f.severity !== "info");
}

const anchors = Array.from({ length: 6 }, (_, i) => SCENARIO_ANCHOR + i * 86_400_000 + i * 7_919_000);

describe("a climb on a daily cycle the window is too short to show", () => {
  it.each(anchors)("is not an incident (anchor %i)", (anchor) => {
    expect(trafficFindings(anchor)).toEqual([]);
  });

  it.each(anchors.slice(0, 3))("still lets a real drop through (anchor %i)", (anchor) => {
    const findings = trafficFindings(anchor, [{ type: "step", start: "-2h", factor: 0.3 }]);

    expect(findings).toEqual([
      expect.objectContaining({ category: "traffic", metric: "trace.http.request.hits" }),
    ]);
  });
});

describe("a drop at the top of a daily climb", () => {
  it("is measured from the level just before it, not from the window's usual level", () => {
    const { evidence, plan } = scenarioEvidence({
      id: "top",
      service: "svc",
      question: "How is it doing?",
      window: "12h",
      series: [
        {
          metric: "trace.http.request.hits",
          baseline: 3000,
          noise: 0.12,
          integer: true,
          seasonality: { amplitude: 0.6, peak_hour: 10 },
          incidents: [{ type: "step", start: "-4h", factor: 0.35 }],
        },
      ],
    });
    const [drop] = analyzeEvidence({ evidence, plan }).findings;

    expect(drop).toMatchObject({ category: "traffic", severity: "critical" });
    expect(Number(drop?.evidence.change_pct)).toBeLessThanOrEqual(-60);
  });
});

describe("an ongoing change", () => {
  it("lasts from its start to the latest point, as its 'since' reads at the window's end", () => {
    const { evidence, plan } = scenarioEvidence({
      id: "step",
      service: "svc",
      question: "Why is it slower?",
      window: "24h",
      seed: 7,
      series: [
        {
          metric: "trace.http.request.duration.by.service.95p",
          baseline: 0.24,
          noise: 0.06,
          incidents: [{ type: "step", start: "-42m", factor: 2.5 }],
        },
      ],
    });
    const [step] = analyzeEvidence({ evidence, plan }).findings;
    const sinceMin = (evidence.window.end - (step?.window.start ?? 0)) / 60_000;
    expect(step?.summary).toMatch(/is still there \(\d+ min\)/);
    expect(Number(step?.evidence.duration_min)).toBeLessThanOrEqual(Math.ceil(sinceMin));
    expect(Number(step?.evidence.duration_min)).toBeGreaterThanOrEqual(Math.floor(sinceMin) - 2);
  });
});

describe("traffic returning through the night to where a 12 h window began", () => {
  // Noise that once made the morning climb look like a step up from the night (the scenario
  // noisy-seasonal-latency-step seen at these times, its cycle turned to end at 14:00).
  const DAY_MS = 86_400_000;
  it.each([Date.UTC(2026, 10, 30, 5, 57), Date.UTC(2026, 10, 30, 7, 39), Date.UTC(2026, 10, 30, 8, 47)])(
    "is no step up (anchor %i)",
    (anchor) => {
      const shiftHours = ((((anchor - SCENARIO_ANCHOR) % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
      const { evidence, plan } = scenarioEvidence(
        {
          id: "night-return",
          service: "feed-api",
          question: "Analyze system performance over the last 12 hours",
          window: "12h",
          seed: 127,
          series: [
            {
              metric: "trace.django.request.hits",
              baseline: 2500,
              noise: 0.12,
              integer: true,
              seasonality: { amplitude: 0.45, peak_hour: (20 + shiftHours) % 24 },
            },
          ],
        },
        { anchor },
      );
      const findings = analyzeEvidence({ evidence, plan }).findings;
      expect(findings.filter((f) => f.category === "traffic" && f.severity !== "info")).toEqual([]);
    },
  );
});

describe("a long burst in a short window", () => {
  it("is a burst that ended, judged against the normal on both sides of it, not a step that stayed", () => {
    const { evidence, plan } = scenarioEvidence({
      id: "long-burst",
      service: "svc",
      question: "What happened to errors?",
      window: "1h",
      seed: 5,
      series: [
        { metric: "trace.http.request.hits", baseline: 3000, noise: 0.05, integer: true },
        {
          metric: "trace.http.request.errors",
          baseline: 2,
          integer: true,
          incidents: [{ type: "burst", start: "-48m", end: "-19m", factor: 40 }],
        },
      ],
    });
    const errors = analyzeEvidence({ evidence, plan }).findings.find(
      (f) => f.metric === "trace.http.request.errors",
    );
    expect(errors).toMatchObject({ state: "recovered", severity: "critical" });
    expect(errors?.summary).not.toMatch(/still there/);
  });
});

describe("a burst filling half of a short window, back to normal before its end", () => {
  // Half the window at each level: the burst is the longest single stretch, so the window reads
  // as opening below its normal; the return to the opening level must close the change there.
  it.each([7, 8, 9])("ended when the series came back to the opening level (seed %i)", (seed) => {
    const { evidence, plan } = scenarioEvidence({
      id: "half-burst",
      service: "svc",
      question: "What happened between 13:00 and 15:00?",
      window: "2h",
      seed,
      series: [
        {
          metric: "trace.http.request.hits",
          baseline: 400,
          noise: 0.05,
          integer: true,
          metric_type: "count",
          incidents: [{ type: "step", start: "-90m", end: "-30m", factor: 3 }],
        },
      ],
    });
    const hits = analyzeEvidence({ evidence, plan }).findings.find(
      (f) => f.metric === "trace.http.request.hits",
    );
    expect(hits).toMatchObject({ category: "traffic", state: "recovered" });
    expect(hits?.summary).not.toMatch(/still there/);
    expect(hits?.recovered_at).toBeLessThan(plan.window.end - 20 * 60_000);
  });
});

describe("a burst of a small count on a daily cycle", () => {
  it("is a burst, not a small step that began with it", () => {
    // 500s counted per minute (Datadog's .as_count() of gunicorn's per-second rate): about 12 a
    // minute, rising towards an evening peak, and a 15-minute burst of hundreds.
    const { evidence, plan } = scenarioEvidence({
      id: "burst",
      service: "api",
      question: "What happened to api earlier?",
      window: "12h",
      seed: 3,
      series: [
        {
          metric: "gunicorn.request.status.500",
          baseline: 12,
          noise: 0.24,
          seasonality: { amplitude: 0.22, peak_hour: 19.3 },
          incidents: [{ type: "burst", start: "-242m", end: "-228m", to: 866 }],
        },
      ],
    });
    const [burst] = analyzeEvidence({ evidence, plan }).findings.filter((f) => f.severity !== "info");

    expect(burst).toMatchObject({ category: "errors", state: "recovered" });
    expect(burst?.evidence.anomaly).toBe("burst");
  });
});

describe("errors counted every 20 seconds", () => {
  it("rising from about none to two a point (six a minute) is news, though each point holds few", () => {
    const end = Date.UTC(2025, 2, 3, 14, 0);
    const start = end - 3 * 3_600_000;
    const after = [2, 3, 1, 2, 4, 2, 3, 1, 2, 2];
    const points = Array.from({ length: 540 }, (_, i): [number, number] => [
      start + i * 20_000,
      i < 316 ? (i % 17 === 0 ? 1 : 0) : (after[i % after.length] ?? 2),
    ]);
    const series = { metric: "trace.servlet.request.errors", query: "q", group: [], points, interval_s: 20 };

    const found = detectSeries(series, { start, end, label: "last 3 hours" }).filter(
      (d) => d.severity !== "info",
    );

    expect(found).toEqual([expect.objectContaining({ category: "errors", state: "ongoing" })]);
  });
});

describe("a backlog that keeps growing with one reading of zero in it", () => {
  it("is one ongoing episode: a lone sample back at normal does not end it", () => {
    const end = Date.UTC(2025, 2, 3, 14, 0);
    const start = end - 3 * 3_600_000;
    // A queue at about 130 tasks, then climbing towards thousands an hour before the end; one
    // reading in the climb is 0 (a noisy gauge clamped at zero, or a scrape that read an empty list).
    const wobble = [1, 0.7, 1.3, 0.9, 1.2, 0.8, 1.1, 0.6, 1.4, 1];
    const points = Array.from({ length: 540 }, (_, i): [number, number] => {
      const w = wobble[i % wobble.length] ?? 1;
      if (i < 360) return [start + i * 20_000, Math.round(130 * w)];
      if (i === 417) return [start + i * 20_000, 0];
      return [start + i * 20_000, Math.round((3_000 + (i - 360) * 2_500) * w)];
    });
    const series = { metric: "celery.queue.length", query: "q", group: [], points, interval_s: 20 };

    const found = detectSeries(series, { start, end, label: "last 3 hours" }).filter(
      (d) => d.severity !== "info",
    );

    expect(found).toEqual([expect.objectContaining({ state: "ongoing" })]);
    expect(found[0]?.start).toBeLessThanOrEqual(start + 361 * 20_000);
  });
});

describe("an outage soon after the window opens, on traffic a little lower after it than before", () => {
  it("is an outage that ended, not a lasting drop measured inside the outage", () => {
    const end = Date.UTC(2025, 2, 3, 10, 10);
    const start = end - 150 * 60_000;
    // Morning traffic easing from about 26 to 22 requests a second (a daily cycle a 2.5 h
    // window cannot show), with a 33-minute outage at about 2 a second in between.
    const wobble = [1, 0.9, 1.1, 0.95, 1.05, 0.88, 1.12, 0.97, 1.03, 1];
    const points = Array.from({ length: 450 }, (_, i): [number, number] => {
      const w = wobble[i % wobble.length] ?? 1;
      const level = i < 159 ? 26.4 : i < 258 ? 2.4 : 22.5;
      return [start + i * 20_000, level * w];
    });
    const series = { metric: "tomcat.request_count", query: "q", group: [], points, interval_s: 20 };

    const found = detectSeries(series, { start, end, label: "07:40 to 10:10 UTC" }).filter(
      (d) => d.severity !== "info",
    );

    expect(found).toEqual([expect.objectContaining({ state: "recovered" })]);
  });
});

describe("a burst of errors with one lower minute in it, on a count that creeps up afterwards", () => {
  it("is a burst that ended, not the start of a slow rise", () => {
    const end = Date.UTC(2025, 2, 3, 14, 0);
    const start = end - 6 * 3_600_000;
    // 500s a minute: about 4.5, a 9-minute burst of 25 to 80 (one minute at 25), then about 5.5
    // as the day's traffic climbs.
    const counts = [4, 5, 3, 6, 4, 5, 4, 3, 6, 5];
    const burst = [64, 43, 42, 54, 82, 25, 60, 67, 80];
    const points = Array.from({ length: 360 }, (_, i): [number, number] => {
      const c = counts[i % counts.length] ?? 4;
      const v = i < 203 ? c : i < 212 ? (burst[i - 203] ?? 60) : c * 1.25;
      return [start + i * 60_000, v];
    });
    const series = { metric: "gunicorn.request.status.500", query: "q", group: [], points, interval_s: 60 };

    const found = detectSeries(series, { start, end, label: "last 6 hours" }).filter(
      (d) => d.severity !== "info",
    );

    expect(found).toEqual([expect.objectContaining({ anomaly: "burst", state: "recovered" })]);
  });
});

describe("5xx that step up for most of a short window, the first readings of the new level a little low", () => {
  it("is a step from where it began, not a slow change nobody reports", () => {
    const end = Date.UTC(2025, 2, 3, 14, 0);
    const start = end - 2 * 3_600_000;
    // 400 failed requests a reading for 53 minutes, then about 1,900 for the remaining 67; the
    // second reading of the new level is low (1,200).
    const wobble = [1, 0.97, 1.03, 0.98, 1.02, 0.96, 1.04, 0.99, 1.01, 1];
    const points = Array.from({ length: 360 }, (_, i): [number, number] => {
      const w = wobble[i % wobble.length] ?? 1;
      const v = i < 160 ? 400 * w : i === 161 ? 1_200 : 1_900 * w;
      return [start + i * 20_000, Math.round(v)];
    });
    const series = { metric: "envoy.http.downstream_rq_5xx", query: "q", group: [], points, interval_s: 20 };

    const found = detectSeries(series, { start, end, label: "last 2 hours" }).filter(
      (d) => d.severity !== "info" && !d.supporting,
    );

    expect(found).toEqual([
      expect.objectContaining({ category: "errors", anomaly: "step", state: "ongoing" }),
    ]);
    expect(found[0]?.start).toBe(start + 160 * 20_000);
  });
});

describe("errors that step up for most of a window, dipping for a few minutes just after", () => {
  it("step up where the old level ended, not where the dip does", () => {
    const end = Date.UTC(2025, 2, 3, 14, 0);
    const start = end - 6 * 3_600_000;
    // About 83 errors a minute for 159 minutes, then about 280: the first two minutes of the new
    // level read 273, the next four 190.
    const wobble = [1, 0.94, 1.06, 0.97, 1.03, 0.92, 1.08, 0.98, 1.02, 1];
    const points = Array.from({ length: 360 }, (_, i): [number, number] => {
      const w = wobble[i % wobble.length] ?? 1;
      const v = i < 159 ? 83 * w : i < 161 ? 273 : i < 165 ? 190 : 280 * w;
      return [start + i * 60_000, Math.round(v)];
    });
    const series = {
      metric: "trace.aspnet_core.request.errors",
      query: "q",
      group: [],
      points,
      interval_s: 60,
    };

    const found = detectSeries(series, { start, end, label: "last 6 hours" }).filter(
      (d) => d.severity !== "info" && !d.supporting,
    );

    expect(found).toEqual([
      expect.objectContaining({ category: "errors", anomaly: "step", state: "ongoing" }),
    ]);
    expect(found[0]?.start).toBe(start + 159 * 60_000);
  });
});
