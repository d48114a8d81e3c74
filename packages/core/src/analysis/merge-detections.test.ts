import { describe, expect, it } from "vitest";
import type { Detection } from "./detection.js";
import { mergeDetections } from "./merge-detections.js";

const H = 3_600_000;
const detection = (
  start: number,
  end: number,
  baseline: number,
  level: number,
  anomaly: Detection["anomaly"],
) =>
  ({
    key: "hits",
    metric: "hits",
    kind: "requests",
    category: "traffic",
    severity: "warning",
    anomaly,
    start,
    end,
    evidence: { anomaly, baseline, level },
    summary: `${anomaly} from ${baseline} to ${level}`,
    magnitude: Math.abs(Math.log(level / baseline)),
    priority: 5,
  }) satisfies Detection;

describe("merging the detections of one series", () => {
  it("dates a drop by its step, not by the slow easing a ramp through it began with", () => {
    const ramp = { ...detection(0, 6 * H, 45_300, 4_130, "ramp"), magnitude: 2.4 };
    const step = { ...detection(H, 6 * H, 40_800, 4_560, "step"), magnitude: 2.2 };

    const [merged] = mergeDetections([ramp, step], 60_000);

    expect(merged).toMatchObject({ anomaly: "step", start: H });
  });

  it("keeps an outage that ended apart from a lower level read from the window's start to it", () => {
    const drop = detection(3 * H, 3 * H + 960_000, 13_000, 600, "drop");
    const outage = { ...drop, priority: 7, evidence: { ...drop.evidence, peak: 0 } };
    const lower = detection(3 * H, 12 * H, 19_600, 13_500, "step");

    const merged = mergeDetections([outage, lower], 60_000);

    expect(merged.map((d) => [d.anomaly, d.end])).toEqual([
      ["drop", 3 * H + 960_000],
      ["step", 12 * H],
    ]);
  });

  it("keeps a burst that ended apart from a slow climb that began with it", () => {
    const rise = detection(7 * H, 7 * H + 480_000, 22, 2_540, "burst");
    const burst = { ...rise, priority: 7, evidence: { ...rise.evidence, peak: 3_120 } };
    const climb = detection(7 * H, 24 * H, 10, 23, "ramp");

    const merged = mergeDetections([burst, climb], 60_000);

    expect(merged.map((d) => [d.anomaly, d.end])).toEqual([
      ["burst", 7 * H + 480_000],
      ["ramp", 24 * H],
    ]);
  });

  it("keeps a spike that peaked about where a climb settled as the start of that climb", () => {
    const rise = detection(H, 1.5 * H, 3.3, 10, "spike");
    const spike = { ...rise, priority: 7, evidence: { ...rise.evidence, peak: 22 } };
    const climb = detection(1.4 * H, 2 * H, 2.9, 25, "ramp");

    const merged = mergeDetections([spike, climb], 60_000);

    expect(merged.map((d) => [d.start, d.end])).toEqual([[H, 2 * H]]);
  });

  it("keeps a climb and a later fall below where the climb began as two episodes", () => {
    const climb = detection(0, 24 * H, 7_000, 10_800, "ramp");
    const fall = detection(10 * H, 24 * H, 13_000, 1_800, "step");

    const merged = mergeDetections([climb, fall], 60_000);

    expect(merged.map((d) => [d.anomaly, d.start])).toEqual([
      ["ramp", 0],
      ["step", 10 * H],
    ]);
  });

  it("keeps a rise and its partial return as one episode", () => {
    const rise = detection(0, 6 * H, 100, 900, "step");
    const back = detection(4 * H, 6 * H, 900, 400, "step");

    expect(mergeDetections([rise, back], 60_000)).toHaveLength(1);
  });
});
