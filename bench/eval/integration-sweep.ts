import { integrationMetrics, isLimitMetric, parseScenario, type IntegrationMetric } from "@orch/core";
import { runInProcess } from "./in-process.js";

/**
 * The analyst on every integration it has no hand-written rules for: for each metric whose
 * integration publishes which way is bad (DataDog/integrations-core metadata, the catalog the
 * analyst ships with), a web service that also reports that metric, and a step of it ×3 in the
 * bad direction (to 97 % of a share's whole at most) 20 minutes before the end, then the same
 * step in the good direction. The bad step must be a warning or a critical finding on that
 * metric, planned and read by the planner itself; the good step must not be. Run in process
 * (planner, demo source, analysis, offline answer), so it covers thousands of metrics in seconds.
 */

export interface SweepMiss {
  readonly metric: string;
  readonly integration: string;
  readonly unit: string;
  readonly orientation: -1 | 1;
  /** Whether the planner read the metric at all. */
  readonly read: boolean;
  readonly finding?: string;
}

export interface IntegrationSweep {
  readonly metrics: number;
  readonly found: number;
  readonly unread: number;
  readonly missed: readonly SweepMiss[];
  readonly falseAlarms: readonly SweepMiss[];
}

const ANCHOR = Date.UTC(2026, 10, 30, 14, 0); // a Monday, 14:00 UTC

/** A level a metric of this unit could sit at. */
function baselineOf(unit: string | undefined): number {
  switch (unit) {
    case "percent":
      return 40;
    case "fraction":
      return 0.4;
    case "byte":
      return 2e8;
    case "second":
      return 0.2;
    case "millisecond":
      return 200;
    case "microsecond":
      return 2e5;
    case "nanosecond":
      return 2e8;
    default:
      return 60;
  }
}

/** Metrics with a published direction, limits aside (they are read with their usage), every `every`-th in name order (1: all). */
export function sweepMetrics(every = 1): IntegrationMetric[] {
  return [...integrationMetrics().values()]
    .filter((m) => m.orientation !== 0 && m.metric.includes(".") && !isLimitMetric(m.metric))
    .sort((a, b) => a.metric.localeCompare(b.metric))
    .filter((_, i) => i % every === 0);
}

async function stepOf(m: IntegrationMetric, bad: boolean, seed: number) {
  const up = (m.orientation === -1) === bad;
  const baseline = baselineOf(m.unit);
  const whole = m.unit === "percent" ? 100 : m.unit === "fraction" ? 1 : undefined;
  const factor = up ? (whole ? Math.min(2.2, (0.97 * whole) / baseline) : 3) : 0.3;
  const scenario = parseScenario({
    id: `sweep-${seed}`,
    service: "svc",
    question: "What's wrong with svc?",
    window: "2h",
    seed,
    series: [
      { metric: "trace.http.request.hits", baseline: 500, noise: 0.05, integer: true },
      { metric: "trace.http.request.errors", baseline: 2, noise: 0.3, integer: true },
      { metric: "trace.http.request.duration.by.service.95p", baseline: 0.2, noise: 0.05 },
      {
        metric: m.metric,
        baseline,
        noise: 0.03,
        ...(whole !== undefined ? { max: whole } : {}),
        ...(m.unit ? { unit: m.unit } : {}),
        ...(m.per_unit ? { per_unit: m.per_unit } : {}),
        metric_type: m.type === "count" ? "count" : m.type === "rate" ? "rate" : "gauge",
        incidents: [{ type: "step", start: "-20m", factor }],
      },
    ],
  });
  const run = await runInProcess({ file: scenario.id, scenario }, ANCHOR);
  const read = run.plan.steps.some((s) => s.tool === "metrics" && s.query.metric === m.metric);
  const finding = run.result.findings.find((f) => f.metric === m.metric && f.severity !== "info");
  return { read, finding };
}

export async function integrationSweep(every = 1): Promise<IntegrationSweep> {
  const metrics = sweepMetrics(every);
  const missed: SweepMiss[] = [];
  const falseAlarms: SweepMiss[] = [];
  let found = 0;
  let unread = 0;
  for (const [i, m] of metrics.entries()) {
    const about = {
      metric: m.metric,
      integration: m.integration,
      unit: m.unit ?? "",
      orientation: m.orientation as -1 | 1,
    };
    const bad = await stepOf(m, true, 2 * i + 7);
    if (!bad.read) unread++;
    if (bad.finding) found++;
    else missed.push({ ...about, read: bad.read });
    const good = await stepOf(m, false, 2 * i + 8);
    if (good.finding)
      falseAlarms.push({
        ...about,
        read: good.read,
        finding: `${good.finding.severity}: ${good.finding.summary}`,
      });
  }
  return { metrics: metrics.length, found, unread, missed, falseAlarms };
}

export function formatIntegrationSweep(s: IntegrationSweep): string {
  const pct = (a: number, b: number) => (b === 0 ? "-" : `${((100 * a) / b).toFixed(1)}%`);
  const lines = [
    `integration sweep: ${s.metrics} metric(s) with a published direction`,
    `  bad-direction steps found: ${s.found}/${s.metrics} (${pct(s.found, s.metrics)}); not read by the planner: ${s.unread}`,
    `  good-direction steps called a problem: ${s.falseAlarms.length}/${s.metrics} (${pct(s.falseAlarms.length, s.metrics)})`,
  ];
  if (s.missed.length > 0) lines.push("missed:");
  for (const m of s.missed)
    lines.push(
      `  ${m.metric} (${m.integration}, unit ${m.unit || "-"}, orientation ${m.orientation}${m.read ? "" : ", NOT READ"})`,
    );
  if (s.falseAlarms.length > 0) lines.push("false alarms:");
  for (const m of s.falseAlarms)
    lines.push(
      `  ${m.metric} (${m.integration}, orientation ${m.orientation}): ${(m.finding ?? "").slice(0, 140)}`,
    );
  return lines.join("\n");
}
