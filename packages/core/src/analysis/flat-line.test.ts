import { describe, expect, it } from "vitest";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";

function findingsOf(metric: string, baseline: number, value: number) {
  const { evidence, plan } = scenarioEvidence({
    id: "flat",
    service: "svc",
    question: "How is it doing?",
    window: "6h",
    series: [
      {
        metric,
        baseline,
        noise: 0.06,
        integer: metric.endsWith("errors"),
        max: metric.endsWith("errors") ? undefined : 100,
        incidents: [{ type: "flatline", start: "-80m", end: "0", value }],
      },
    ],
  });
  return analyzeEvidence({ evidence, plan }).findings.filter((f) => f.severity !== "info");
}

describe("a series stuck at exactly zero", () => {
  it("is a reporter that stopped measuring when it is CPU", () => {
    expect(findingsOf("system.cpu.user", 40, 0)).toEqual([
      expect.objectContaining({ category: "availability", metric: "system.cpu.user" }),
    ]);
  });

  it("is space run out, not a hung reporter, when it is what is left", () => {
    const { evidence, plan } = scenarioEvidence({
      id: "free",
      service: "cache",
      question: "Is the cache full?",
      window: "24h",
      series: [
        {
          metric: "varnish.SMA.s0.g_space",
          baseline: 11.4e9,
          noise: 0.01,
          unit: "byte",
          incidents: [{ type: "ramp", start: "-897m", end: "-259m", to: 4.7e7 }],
        },
      ],
    });
    const found = analyzeEvidence({ evidence, plan }).findings.filter((f) => f.severity !== "info");

    expect(found.map((f) => f.category)).not.toContain("availability");
    expect(found.map((f) => f.evidence.anomaly)).not.toContain("flatline");
  });

  it("is a quiet counter when it is errors", () => {
    expect(
      findingsOf("trace.http.request.errors", 6, 0).filter((f) => f.category === "availability"),
    ).toEqual([]);
  });
});

describe("a count of events per interval resting at zero", () => {
  it("is no stuck reporter: no events is its healthy state, and the burst before it is the story", () => {
    const { evidence, plan } = scenarioEvidence({
      id: "lost",
      service: "vault",
      question: "Did vault lose its leader?",
      window: "12h",
      series: [
        {
          metric: "vault.vault.core.leadership.lost.count",
          baseline: 0,
          noise: 0,
          integer: true,
          metric_type: "count",
          incidents: [{ type: "burst", start: "-7h", end: "-6.5h", to: 4 }],
        },
      ],
    });
    const found = analyzeEvidence({ evidence, plan }).findings.filter((f) => f.severity !== "info");

    expect(found.map((f) => f.evidence.anomaly)).not.toContain("flatline");
    expect(found).toEqual([
      expect.objectContaining({
        category: "errors",
        metric: "vault.vault.core.leadership.lost.count",
        state: "recovered",
      }),
    ]);
  });
});
