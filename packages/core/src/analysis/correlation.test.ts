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
