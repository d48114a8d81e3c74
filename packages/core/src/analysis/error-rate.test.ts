import { describe, expect, it } from "vitest";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";

function errorFindings(errorsIncident: "with-traffic" | "on-their-own") {
  const traffic = { type: "step" as const, start: "-3h", factor: 3 };
  const { evidence, plan } = scenarioEvidence({
    id: "errors",
    service: "svc",
    question: "Why are errors up?",
    window: "12h",
    series: [
      {
        metric: "trace.http.request.hits",
        baseline: 1000,
        noise: 0.05,
        integer: true,
        incidents: errorsIncident === "with-traffic" ? [traffic] : [],
      },
      { metric: "trace.http.request.errors", baseline: 5, integer: true, incidents: [traffic] },
    ],
  });
  return analyzeEvidence({ evidence, plan }).findings.filter((f) => f.metric === "trace.http.request.errors");
}

describe("errors rising", () => {
  it("with traffic, at the same error rate, are context rather than a fault", () => {
    const [finding] = errorFindings("with-traffic");

    expect(finding).toMatchObject({ category: "errors", severity: "info" });
    expect(finding?.summary).toMatch(/errors grew with traffic/);
  });

  it("on their own, as a share of requests, are a fault", () => {
    const [finding] = errorFindings("on-their-own");

    expect(finding).toMatchObject({ category: "errors", severity: "warning" });
  });
});

describe("an error rate", () => {
  const analyse = (errors: string) => {
    const { evidence, plan } = scenarioEvidence({
      id: "pairs",
      service: "svc",
      question: "How is it doing?",
      window: "2h",
      series: [
        { metric: "trace.http.request.hits", baseline: 500, noise: 0.05, integer: true },
        { metric: errors, baseline: 60, noise: 0.05, integer: true, metric_type: "count" },
      ],
    });
    return analyzeEvidence({ evidence, plan }).findings.filter((f) => f.metric === errors);
  };

  it("divides a service's errors by its own requests", () => {
    const [finding] = analyse("trace.http.request.errors");
    expect(finding).toMatchObject({ category: "errors", severity: "critical" });
    expect(finding?.summary).toMatch(/1\d\.\d% of requests failed/);
  });

  it("never divides another system's failures by the service's requests", () => {
    for (const other of ["airflow.operator_failures", "kubernetes.liveness_probe.failure"])
      expect(analyse(other).filter((f) => /of requests failed/.test(f.summary))).toEqual([]);
  });
});
