import { formatTime } from "./format-value.js";
import { describe, expect, it } from "vitest";
import type { ScenarioInput } from "../scenario/scenario-schema.js";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";

type Series = ScenarioInput["series"][number];

function analyse(series: Series[], window = "1h", seed = 3) {
  const { evidence, plan } = scenarioEvidence({
    id: "thresholds",
    service: "svc",
    question: "How is it doing?",
    window,
    seed,
    series,
  });
  return analyzeEvidence({ evidence, plan });
}

const pool: Series = {
  metric: "postgresql.percent_usage_connections",
  baseline: 0.6,
  noise: 0.04,
  max: 1,
  incidents: [{ type: "ramp", start: "-40m", end: "-25m", to: 0.95 }],
};

describe("a bounded resource held beyond its threshold", () => {
  it("reports its peak as the highest reading, the max the key-series table shows", () => {
    const analysis = analyse([pool]);
    const finding = analysis.findings.find(
      (f) => f.metric === pool.metric && f.evidence.threshold !== undefined,
    );
    const stats = analysis.stats.find((s) => s.metric === pool.metric);
    expect(finding).toBeDefined();
    expect(finding?.evidence.peak).toBeCloseTo(stats?.max ?? Number.NaN, 3);
    expect(finding?.evidence.current).toBeCloseTo(stats?.current ?? Number.NaN, 3);
    expect(finding?.evidence.used_pct).toBe(Math.round((stats?.max ?? 0) * 100));
  });

  it("shows a connection pool's usage as a share, in % like CPU and disk", () => {
    const analysis = analyse([pool]);
    const finding = analysis.findings.find((f) => f.metric === pool.metric);
    expect(finding?.evidence.unit).toBe("fraction");
    expect(finding?.summary).toMatch(/held at or above 90%/);
    expect(finding?.summary).not.toMatch(/\b0\.\d/);
    expect(analysis.stats.find((s) => s.metric === pool.metric)?.unit).toBe("fraction");
  });

  it("words a direct share plainly, never 'beyond 90% (90% used)'", () => {
    const analysis = analyse([
      {
        metric: "system.cpu.user",
        baseline: 30,
        noise: 0.05,
        max: 100,
        incidents: [{ type: "ramp", start: "-40m", end: "-25m", to: 96 }],
      },
    ]);
    const finding = analysis.findings.find((f) => f.metric === "system.cpu.user");
    expect(finding?.summary).toMatch(
      /held at or above 90% since \d\d:\d\d UTC and still does, peaking at [\d.]+%/,
    );
    expect(finding?.summary).not.toMatch(/beyond|\(90% used\)/);
  });

  it("words falling usable memory as memory use, never 'beyond 8% (92% used)'", () => {
    const analysis = analyse([
      {
        metric: "system.mem.pct_usable",
        baseline: 0.4,
        noise: 0.01,
        max: 1,
        incidents: [{ type: "step", start: "-30m", to: 0.05 }],
      },
    ]);
    const finding = analysis.findings.find((f) => f.metric === "system.mem.pct_usable");
    expect(finding?.summary).toMatch(/stayed at or below 8% \(92% or more used\)/);
    expect(finding?.summary).toMatch(/down to [\d.]+% \(\d+% used\)/);
    expect(finding?.summary).not.toMatch(/beyond/);
    expect(finding?.evidence.low_is_bad).toBe("yes");
  });
});

describe("a breach merged with the drift that led to it", () => {
  it("says where the drift began, as the finding's window does", () => {
    const analysis = analyse(
      [{ ...pool, baseline: 0.62, incidents: [{ type: "ramp", start: "-2d", to: 0.93 }] }],
      "7d",
      3,
    );
    const finding = analysis.findings.find(
      (f) => f.metric === pool.metric && f.evidence.threshold !== undefined,
    );
    expect(finding).toBeDefined();
    const stamp = formatTime(finding?.window.start ?? 0, 7 * 86_400_000);
    expect(finding?.summary).toContain(`the drift that led there began at ${stamp}`);
  });
});

describe("a short CPU breach", () => {
  const cpu = (incident: Series["incidents"]): Series => ({
    metric: "system.cpu.user",
    baseline: 72,
    noise: 0.02,
    max: 100,
    incidents: incident,
  });

  it("is a busy moment (info) when it stayed below critical and is over", () => {
    const analysis = analyse([cpu([{ type: "dip", start: "-40m", end: "-25m", to: 84 }])]);
    const finding = analysis.findings.find(
      (f) => f.metric === "system.cpu.user" && f.evidence.threshold !== undefined,
    );
    expect(finding?.severity).toBe("info");
  });

  it("stays a warning when it rose far above the ordinary level", () => {
    const spike = analyse([{ ...cpu([{ type: "dip", start: "-40m", end: "-25m", to: 84 }]), baseline: 40 }]);
    expect(spike.findings.find((f) => f.metric === "system.cpu.user")?.severity).toBe("warning");
  });

  it("stays a warning while it lasts, and when it lasted long", () => {
    const ongoing = analyse([cpu([{ type: "step", start: "-15m", to: 84 }])]);
    expect(ongoing.findings.find((f) => f.metric === "system.cpu.user")?.severity).toBe("warning");
    const long = analyse([cpu([{ type: "dip", start: "-5h", end: "-2h", to: 84 }])], "6h");
    expect(long.findings.find((f) => f.metric === "system.cpu.user")?.severity).toBe("warning");
  });
});
