import { describe, expect, it } from "vitest";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";
import { webSeries } from "../../test/support/scenario-sweep.js";

describe("a deploy followed by trouble", () => {
  it("names each kind of trouble once, with every signal that showed it", () => {
    const { evidence, plan } = scenarioEvidence(
      {
        id: "deploy",
        service: "api-gateway",
        question: "Investigate recent 5xx errors",
        window: "1h",
        seed: 11,
        series: webSeries(0.06, 0.3, 15).map((s) =>
          s.metric === "trace.http.request.errors"
            ? { ...s, incidents: [{ type: "burst" as const, start: "-35m", end: "0", factor: 40 }] }
            : s.metric === "trace.http.request.duration.by.service.95p"
              ? { ...s, incidents: [{ type: "step" as const, start: "-35m", factor: 1.8 }] }
              : s,
        ),
        events: [{ title: "Deployed api-gateway v2.14.0", at: "-37m", type: "deploy" }],
        logs: { errors_per_minute: 1, bursts: [{ start: "-35m", end: "0", factor: 30, message: "502" }] },
      },
      { intent: "errors" },
    );
    const deploy = analyzeEvidence({ evidence, plan }).findings.find(
      (f) => f.category === "deploy_regression",
    );
    expect(deploy?.summary).toMatch(
      /followed \d+ min later by errors \(trace\.http\.request\.errors, logs\) and latency \(trace\.http\.request\.duration\.by\.service\.95p\)/,
    );
    expect(deploy?.summary.match(/errors \(/g)).toHaveLength(1);
  });
});

describe("two causes after one deploy", () => {
  it("blames the deploy for what followed it at once, and the pool for the latency that followed the pool", () => {
    const { evidence, plan } = scenarioEvidence({
      id: "two-causes",
      service: "orders-api",
      question: "Errors and latency are both up. What's causing it?",
      window: "1h",
      seed: 4242,
      series: [
        { metric: "trace.http.request.hits", baseline: 1000, noise: 0.05, integer: true },
        {
          metric: "trace.http.request.errors",
          baseline: 1,
          integer: true,
          incidents: [{ type: "burst", start: "-38m", end: "0", factor: 40 }],
        },
        {
          metric: "trace.http.request.duration.by.service.95p",
          baseline: 0.18,
          noise: 0.06,
          incidents: [{ type: "step", start: "-25m", factor: 3, ramp: "2m" }],
        },
        {
          metric: "postgresql.percent_usage_connections",
          baseline: 0.45,
          noise: 0.03,
          max: 1,
          incidents: [{ type: "step", start: "-27m", to: 0.98, ramp: "3m" }],
        },
      ],
      events: [{ title: "Deployed orders-api v3.8.0", at: "-40m", type: "deploy", tags: ["version:3.8.0"] }],
    });
    const findings = analyzeEvidence({ evidence, plan }).findings;
    const deploy = findings.find((f) => f.category === "deploy_regression");
    expect(String(deploy?.evidence.affected)).toContain("trace.http.request.errors");
    expect(String(deploy?.evidence.affected)).not.toContain("duration");
  });
});
