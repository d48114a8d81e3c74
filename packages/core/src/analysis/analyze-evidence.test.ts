import { afterAll, describe, expect, it } from "vitest";
import type { AnalysisResult } from "../analysis-result.js";
import type { Finding, FindingCategory } from "../finding.js";
import type { ScenarioInput } from "../scenario/scenario-schema.js";
import { offsetMs } from "../scenario/scenario-generator.js";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";
import { webSeries } from "../../test/support/scenario-sweep.js";

type Series = ScenarioInput["series"][number];
const LATENCY = "trace.http.request.duration.by.service.95p";
const ERRORS = "trace.http.request.errors";
const HITS = "trace.http.request.hits";

const rows: string[] = [];

/** A web service (traffic and CPU on a daily cycle) with the given series patched. */
function service(patch: Record<string, Partial<Series>> = {}, noise = 0.08, seasonal = 0.3): Series[] {
  return webSeries(noise, seasonal, 15).map((s) => ({ ...s, ...(patch[s.metric] ?? {}) }));
}

function analyse(
  name: string,
  input: Omit<ScenarioInput, "id" | "service" | "question"> & { service?: string },
  options: Parameters<typeof scenarioEvidence>[1] = {},
) {
  const { evidence, plan } = scenarioEvidence(
    { id: name, service: input.service ?? "svc", question: "How is the service doing?", ...input },
    options,
  );
  const analysis = analyzeEvidence({ evidence, plan });
  return { analysis, end: evidence.window.end, windowMs: evidence.window.end - evidence.window.start };
}

function significant(a: AnalysisResult): Finding[] {
  return a.findings.filter((f) => f.severity !== "info");
}

/** The significant finding of this category on this metric that starts near `start`, if any. */
function findingAt(
  r: ReturnType<typeof analyse>,
  category: FindingCategory,
  metric: string,
  start?: string,
): Finding | undefined {
  const tolerance = Math.max(20 * 60_000, 0.1 * r.windowMs);
  return significant(r.analysis).find(
    (f) =>
      f.category === category &&
      f.metric === metric &&
      (start === undefined || Math.abs(f.window.start - (r.end + offsetMs(start))) <= tolerance),
  );
}

function record(scenario: string, expected: string, r: ReturnType<typeof analyse>): void {
  const found = significant(r.analysis).map(
    (f) => `${f.severity} ${f.category} ${f.metric} @${Math.round((f.window.start - r.end) / 60_000)}m`,
  );
  rows.push(
    `| ${scenario} | ${expected} | ${found.length > 0 ? found.join("; ") : "nothing (warning/critical)"} |`,
  );
}

afterAll(() => {
  console.log(["| scenario | expected | found |", "|---|---|---|", ...rows].join("\n"));
});

describe("analyzeEvidence on generated incidents", () => {
  it("finds a latency spike and says when it happened", () => {
    const r = analyse("spike", {
      window: "24h",
      seed: 21,
      series: service({ [LATENCY]: { incidents: [{ type: "spike", start: "-5h", factor: 3 }] } }),
    });
    record("latency spike ×3 at -5h (24h)", "latency on p95 @-300m", r);
    const f = findingAt(r, "latency", LATENCY, "-5h");
    expect(f?.evidence.anomaly).toBe("spike");
    expect(Number(f?.evidence.peak)).toBeGreaterThan(0.5);
    expect(significant(r.analysis)).toHaveLength(1);
  });

  it("finds a traffic dip as a traffic finding", () => {
    const r = analyse("dip", {
      window: "24h",
      seed: 22,
      series: service({ [HITS]: { incidents: [{ type: "dip", start: "-3h", factor: 0.3 }] } }),
    });
    record("traffic dip ×0.3 at -3h (24h, seasonal)", "traffic on hits @-180m", r);
    expect(findingAt(r, "traffic", HITS, "-3h")?.evidence.anomaly).toBe("drop");
    expect(significant(r.analysis)).toHaveLength(1);
  });

  it("finds a latency step and reports the level before and after", () => {
    const r = analyse("step", {
      window: "1h",
      seed: 23,
      series: service({ [LATENCY]: { incidents: [{ type: "step", start: "-25m", factor: 2 }] } }),
    });
    record("latency step ×2 at -25m (1h)", "latency on p95 @-25m", r);
    const f = findingAt(r, "latency", LATENCY, "-25m");
    expect(f?.evidence.anomaly).toBe("step");
    expect(Number(f?.evidence.baseline)).toBeCloseTo(0.24, 1);
    expect(Number(f?.evidence.level)).toBeCloseTo(0.48, 1);
    expect(Math.abs((f?.window.start ?? 0) - (r.end - 25 * 60_000))).toBeLessThanOrEqual(2 * 60_000);
  });

  it("finds a CPU ramp to saturation as one saturation finding with the threshold", () => {
    const r = analyse("ramp", {
      window: "24h",
      seed: 7,
      series: service({
        "system.cpu.user": { incidents: [{ type: "ramp", start: "-40m", end: "-10m", to: 93 }] },
      }),
    });
    record("CPU ramp to 93% over -40m..-10m (24h, seasonal)", "saturation on cpu @-40m", r);
    const cpu = significant(r.analysis).filter((f) => f.metric === "system.cpu.user");
    expect(cpu).toHaveLength(1);
    expect(cpu[0]).toMatchObject({ category: "saturation", severity: "critical" });
    expect(cpu[0]?.evidence.threshold).toBe(90);
  });

  it("finds a memory leak with its growth rate and projected exhaustion", () => {
    const r = analyse("leak", {
      window: "24h",
      seed: 5,
      series: service({ "system.mem.pct_usable": { incidents: [{ type: "leak", start: "-10h", to: 0.1 }] } }),
    });
    record("memory usable leaking to 10% since -10h (24h)", "memory_leak on pct_usable @-600m", r);
    const f = findingAt(r, "memory_leak", "system.mem.pct_usable", "-10h");
    expect(Number(f?.evidence.growth_per_hour)).toBeLessThan(0);
    expect(Number(f?.evidence.projected_exhaustion_h)).toBeGreaterThan(0);
    expect(Number(f?.evidence.projected_exhaustion_h)).toBeLessThan(6);
  });

  it("tells a memory step from a leak", () => {
    const r = analyse("mem-step", {
      window: "4h",
      seed: 31,
      series: service({
        "system.mem.pct_usable": { incidents: [{ type: "step", start: "-1h", factor: 0.4 }] },
      }),
    });
    record("memory usable step ×0.4 at -1h (4h)", "saturation (not memory_leak) on pct_usable @-60m", r);
    expect(findingAt(r, "saturation", "system.mem.pct_usable", "-1h")).toBeDefined();
    expect(r.analysis.findings.some((f) => f.category === "memory_leak")).toBe(false);
  });

  it("finds a flat line where the series varied before", () => {
    const r = analyse("flat", {
      window: "4h",
      seed: 24,
      series: service({ "system.cpu.user": { incidents: [{ type: "flatline", start: "-50m", end: "0" }] } }),
    });
    record("CPU stuck (flat line) since -50m (4h)", "availability on cpu @-50m", r);
    expect(findingAt(r, "availability", "system.cpu.user", "-50m")?.evidence.anomaly).toBe("flatline");
  });

  it("finds a series that stopped reporting", () => {
    const r = analyse("nodata", {
      window: "1h",
      seed: 25,
      series: service({ [LATENCY]: { incidents: [{ type: "nodata", start: "-20m", end: "0" }] } }),
    });
    record("latency no data since -20m (1h)", "availability on p95 @-20m", r);
    const f = findingAt(r, "availability", LATENCY, "-20m");
    expect(f?.evidence.anomaly).toBe("nodata");
    expect(f?.evidence.trailing).toBe("yes");
  });

  it("links an error burst to the deploy just before it and names the deploy", () => {
    const r = analyse("deploy", {
      window: "24h",
      seed: 11,
      series: service({ [ERRORS]: { incidents: [{ type: "burst", start: "-35m", end: "0", factor: 40 }] } }),
      events: [{ title: "Deployed api v2.14.0", at: "-37m", type: "deploy" }],
      logs: {
        errors_per_minute: 0.05,
        messages: [],
        bursts: [{ start: "-35m", end: "0", factor: 100, message: "502 Bad Gateway from users-service" }],
      },
    });
    record(
      "errors burst ×40 at -35m after a deploy at -37m, with error logs (24h)",
      "errors on errors metric and logs @-35m; deploy_regression",
      r,
    );
    const errors = findingAt(r, "errors", ERRORS, "-35m");
    const logs = findingAt(r, "errors", "logs", "-35m");
    const deploy = r.analysis.findings.find((f) => f.category === "deploy_regression");
    expect(errors?.severity).toBe("critical");
    expect(logs?.evidence.top_message).toBe("502 Bad Gateway from users-service");
    expect(deploy).toMatchObject({ metric: "events", evidence: { deploy_title: "Deployed api v2.14.0" } });
    expect(Number(deploy?.evidence.delay_min)).toBeLessThanOrEqual(5);
    expect(deploy?.related).toEqual(expect.arrayContaining([errors?.id, logs?.id]));
    expect(errors?.related).toContain(deploy?.id);
  });

  it("does not blame a deploy for a burst that started hours later", () => {
    const r = analyse("late", {
      window: "24h",
      seed: 12,
      series: service({ [ERRORS]: { incidents: [{ type: "burst", start: "-2h", factor: 30 }] } }),
      events: [{ title: "Deployed api v2.13.0", at: "-6h", type: "deploy" }],
    });
    record("errors burst at -2h, deploy at -6h (24h)", "errors @-120m; no deploy_regression", r);
    expect(findingAt(r, "errors", ERRORS, "-2h")).toBeDefined();
    expect(r.analysis.findings.some((f) => f.category === "deploy_regression")).toBe(false);
  });

  it("reports disk filling up over a week as capacity with the time until full", () => {
    const r = analyse("disk", {
      window: "7d",
      seed: 3,
      series: service({
        "system.disk.in_use": { baseline: 0.7, incidents: [{ type: "ramp", start: "-7d", to: 0.89 }] },
      }),
    });
    record("disk 70% → 89% over 7d", "capacity on disk @-7d", r);
    const f = findingAt(r, "capacity", "system.disk.in_use", "-7d");
    expect(Number(f?.evidence.projected_full_h)).toBeGreaterThan(24);
    expect(Number(f?.evidence.projected_full_h)).toBeLessThan(10 * 24);
  });

  it("turns monitors in Alert and No Data into findings of the right category", () => {
    const r = analyse("monitors", {
      window: "1h",
      seed: 13,
      series: service(),
      monitors: [
        { name: "svc p99 latency", state: "Alert", query: "avg:trace.http.request.duration{service:svc}" },
        { name: "svc heartbeat", state: "No Data" },
        { name: "svc cpu", state: "OK" },
      ],
    });
    const monitors = r.analysis.findings.filter((f) => f.metric === "monitors");
    expect(monitors.map((f) => [f.category, f.severity]).sort()).toEqual([
      ["availability", "warning"],
      ["latency", "critical"],
    ]);
  });
});

describe("analyzeEvidence on healthy services", () => {
  it("does not mistake a seasonal day for an incident", () => {
    const r = analyse("season-day", { window: "24h", seed: 41, series: service({}, 0.06, 0.45) });
    record("healthy, strong daily cycle (±45%), 24h", "nothing", r);
    expect(significant(r.analysis)).toEqual([]);
  });

  it("does not mistake a seasonal week for an incident", () => {
    const r = analyse("season-week", { window: "7d", seed: 42, series: service({}, 0.08, 0.4) });
    record("healthy, daily cycle (±40%), 7d", "nothing", r);
    expect(significant(r.analysis)).toEqual([]);
  });

  it.each([
    ["1h", 51],
    ["4h", 52],
    ["12h", 53],
    ["24h", 54],
    ["2d", 55],
  ])("keeps a quiet but noisy service (15%% noise) free of warnings over %s", (window, seed) => {
    const r = analyse(`quiet-${window}`, { window, seed, series: service({}, 0.15, 0.35) });
    record(`healthy, 15% noise, cycle ±35%, ${window}`, "nothing", r);
    expect(significant(r.analysis)).toEqual([]);
  });
});

describe("robustness", () => {
  it("does not let one huge spike hide a later step", () => {
    const r = analyse("spike-step", {
      window: "24h",
      seed: 61,
      series: service({
        [LATENCY]: {
          incidents: [
            { type: "spike", start: "-20h", factor: 30 },
            { type: "step", start: "-2h", factor: 1.6 },
          ],
        },
      }),
    });
    record("latency spike ×30 at -20h then step ×1.6 at -2h (24h)", "latency @-1200m and latency @-120m", r);
    expect(findingAt(r, "latency", LATENCY, "-20h")?.evidence.anomaly).toBe("spike");
    expect(findingAt(r, "latency", LATENCY, "-2h")?.evidence.anomaly).toBe("step");
  });

  it("merges a step and the spike at its onset into one finding", () => {
    const r = analyse("overshoot", {
      window: "4h",
      seed: 62,
      series: service({
        [LATENCY]: {
          incidents: [
            { type: "step", start: "-1h", factor: 2 },
            { type: "spike", start: "-1h", end: "-50m", factor: 2 },
          ],
        },
      }),
    });
    expect(significant(r.analysis).filter((f) => f.metric === LATENCY)).toHaveLength(1);
  });

  it("ranks findings by score and names them F1, F2… in that order", () => {
    const r = analyse("rank", {
      window: "24h",
      seed: 63,
      series: service({
        [ERRORS]: { incidents: [{ type: "burst", start: "-30m", end: "0", factor: 30 }] },
        [LATENCY]: { incidents: [{ type: "spike", start: "-15h", factor: 1.8 }] },
      }),
    });
    const scores = r.analysis.findings.map((f) => f.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(r.analysis.findings.map((f) => f.id)).toEqual(r.analysis.findings.map((_, i) => `F${i + 1}`));
    expect(r.analysis.findings[0]?.category).toBe("errors");
  });
});

describe("coverage and missing data", () => {
  it("counts failed reads against coverage and names them", () => {
    const r = analyse("missing", { window: "1h", seed: 71, series: service() }, { fail: [LATENCY] });
    expect(r.analysis.missing).toEqual([`metrics ${LATENCY}: timeout`]);
    expect(r.analysis.coverage).toBeCloseTo(7 / 8, 3);
  });

  it("computes the statistics of every series", () => {
    const r = analyse("stats", { window: "1h", seed: 72, series: service() });
    const hits = r.analysis.stats.find((s) => s.metric === HITS);
    expect(r.analysis.stats).toHaveLength(6);
    expect(hits).toMatchObject({ kind: "requests", unit: "hit", count: 181, gaps: 0 });
    expect(hits?.p50).toBeGreaterThan(500);
  });
});
