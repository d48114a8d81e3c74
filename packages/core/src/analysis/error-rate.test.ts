import { describe, expect, it } from "vitest";
import { analyzeEvidence } from "./analyze-evidence.js";
import { withErrorRates } from "./error-rate.js";
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

const hour = { start: 0, end: 3_600_000, label: "last hour" };
const flat = (metric: string, value: number) => ({
  metric,
  query: `sum:${metric}{service:svc}`,
  group: [],
  interval_s: 60,
  points: Array.from({ length: 60 }, (_, i): [number, number] => [i * 60_000, value]),
});

describe("a high error rate all window long", () => {
  const today = [flat("trace.http.request.hits", 1000), flat("trace.http.request.errors", 60)];
  const judge = (pastErrors?: number) =>
    withErrorRates([], today, hour, (s) =>
      pastErrors === undefined
        ? undefined
        : { week: s.metric.endsWith("errors") ? flat(s.metric, pastErrors) : flat(s.metric, 1000) },
    );

  it("is a warning when nothing says it is usual", () => {
    expect(judge()).toEqual([expect.objectContaining({ anomaly: "error_rate", severity: "warning" })]);
    expect(judge(10)).toEqual([expect.objectContaining({ anomaly: "error_rate", severity: "warning" })]);
  });

  it("is context when as many failed a week earlier", () => {
    const [finding] = judge(58);
    expect(finding).toMatchObject({ anomaly: "error_rate", severity: "info" });
    expect(finding?.summary).toMatch(/as 5\.8% did a week earlier: the service's usual error rate/);
  });
});

describe("a chronic error rate asked about", () => {
  it("stays the answer, said to be chronic", () => {
    const [finding] = withErrorRates(
      [],
      [flat("trace.http.request.hits", 1000), flat("trace.http.request.errors", 90)],
      hour,
      (s) => ({ week: flat(s.metric, s.metric.endsWith("errors") ? 90 : 1000) }),
      true,
    );
    expect(finding).toMatchObject({ anomaly: "error_rate", severity: "warning" });
    expect(finding?.summary).toMatch(/a chronic fault, not a new one/);
  });
});

describe("5xx read as a gauge of responses, with no time unit", () => {
  it("gets no error rate from dividing it by the interval: Datadog averages a gauge, it counts nothing per minute", () => {
    const { evidence, plan } = scenarioEvidence({
      id: "haproxy",
      service: "orders",
      question: "Why are we seeing errors on orders?",
      window: "4h",
      seed: 11,
      series: [
        {
          metric: "haproxy.frontend.requests.rate",
          baseline: 84,
          noise: 0.08,
          unit: "request",
          per_unit: "second",
        },
        {
          metric: "haproxy.frontend.response.5xx",
          baseline: 0.5,
          noise: 0.1,
          unit: "response",
          metric_type: "gauge",
          incidents: [{ type: "step", start: "-150m", end: "-130m", to: 6.2 }],
        },
      ],
    });
    const [burst] = analyzeEvidence({ evidence, plan }).findings.filter(
      (f) => f.metric === "haproxy.frontend.response.5xx" && f.severity !== "info",
    );

    expect(burst).toBeDefined();
    expect(burst?.evidence.error_rate_pct).toBeUndefined();
    expect(burst?.summary).not.toMatch(/error rate 0\.\d\d%/);
  });
});
