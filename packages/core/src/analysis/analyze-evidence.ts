import type { AnalysisResult, Forecast } from "../analysis-result.js";
import type {
  EventInfo,
  Evidence,
  LogSummary,
  MetricMetadata,
  MonitorInfo,
  Series,
  ToolResult,
} from "../evidence.js";
import {
  classifyMetric,
  isLimitMetric,
  limitMetricOf,
  withSourceUnit,
  type MetricProfile,
} from "../metric-catalog.js";
import { counterRate, counterShape } from "./counters.js";
import { linkCauses } from "./causal-links.js";
import {
  degradedAgainstHistory,
  judgeAgainstHistory,
  judgeAgainstOwnWeeks,
  labelOf,
  type SeriesHistory,
} from "./history.js";
import type { Plan, PlanStep } from "../plan.js";
import { correlateDeploys, linkCoincident } from "./correlation.js";
import type { Detection } from "./detection.js";
import { withErrorRates } from "./error-rate.js";
import { forecastOf, withFindingProjections } from "./forecast.js";
import { logDetections } from "./logs.js";
import { monitorDetections } from "./monitors.js";
import { rankFindings } from "./rank.js";
import { prepareSeries } from "./prepared-series.js";
import { detectSeries } from "./series-detections.js";
import { seriesStats } from "./series-stats.js";
import { pairSummaries } from "./summaries.js";

function subjectOf(step: PlanStep | undefined, result: ToolResult): string {
  if (result.status === "error") return result.subject;
  if (step?.tool === "metrics") return step.query.metric;
  if (step?.tool === "logs") return step.filter;
  return step?.tool === "monitors" ? "monitors" : step?.tool === "events" ? "events" : result.step_id;
}

function hasValues(series: readonly Series[]): boolean {
  return series.some((s) => s.points.some(([, v]) => v !== null && Number.isFinite(v)));
}

/** Reads the results: which steps returned data, which failed (as "tool subject: reason"), and what they hold. */
function collect(evidence: Evidence, plan: Plan) {
  const steps = new Map(plan.steps.map((s) => [s.id, s]));
  const missing: string[] = [];
  const series: Series[] = [];
  const monitors: MonitorInfo[] = [];
  const events: EventInfo[] = [];
  const logs: LogSummary[] = [];
  const metadata = new Map<string, MetricMetadata>();
  const history = new Map<string, SeriesHistory>();
  const historyMissing: string[] = [];
  let withData = 0;
  const seen = new Set<string>();
  const seenSeries = new Set<string>();
  for (const r of evidence.results) {
    const step = steps.get(r.step_id);
    seen.add(r.step_id);
    if (r.status === "error") {
      missing.push(`${r.tool} ${subjectOf(step, r)}: ${r.error.message}`);
      continue;
    }
    switch (r.tool) {
      case "metrics":
        if (r.metadata && step?.tool === "metrics") metadata.set(step.query.metric, r.metadata);
        if (r.history) {
          for (const shift of ["day", "week"] as const)
            for (const past of r.history[shift] ?? [])
              history.set(labelOf(past), { ...history.get(labelOf(past)), [shift]: past });
        } else if (step?.tool === "metrics" && (step.history ?? []).length > 0)
          historyMissing.push(step.query.metric);
        if (hasValues(r.series)) withData++;
        else missing.push(`metrics ${subjectOf(step, r)}: no data returned`);
        for (const s of r.series) {
          const id = `${s.query}|${s.group.join(",")}`;
          if (!seenSeries.has(id)) {
            seenSeries.add(id);
            series.push(s);
          }
        }
        break;
      case "monitors":
        withData++;
        monitors.push(...r.monitors);
        break;
      case "events":
        withData++;
        events.push(...r.events);
        break;
      case "logs":
        withData++;
        logs.push(r.logs);
        break;
    }
  }
  for (const s of plan.steps) {
    if (!seen.has(s.id))
      missing.push(`${s.tool} ${s.tool === "metrics" ? s.query.metric : s.tool}: not executed`);
  }
  const total = Math.max(plan.steps.length, evidence.results.length);
  return {
    missing,
    series,
    monitors,
    events,
    logs,
    metadata,
    history,
    historyMissing,
    coverage: total > 0 ? withData / total : 0,
  };
}

function maxOf(s: Series): number | undefined {
  let max: number | undefined;
  for (const [, v] of s.points) if (v !== null && Number.isFinite(v)) max = Math.max(max ?? v, v);
  return max;
}

/**
 * The bound of a series: the limit the service reports beside it among the series read
 * (redis.mem.maxmemory for redis.mem.used, postgresql.max_connections for postgresql.connections,
 * system.disk.total for system.disk.used), of the same group when there is one; for memory,
 * else any memory limit read.
 */
function limitFor(s: Series, series: readonly Series[], kind: string | undefined): number | undefined {
  const name = limitMetricOf(
    s.metric,
    series.map((l) => l.metric),
  );
  const own =
    name !== undefined
      ? series.filter((l) => l.metric === name && l.group.join(",") === s.group.join(","))
      : [];
  const found = (own.length > 0 ? own : series.filter((l) => l.metric === name)).map(maxOf);
  const pair = found.find((v) => v !== undefined && v > 0);
  if (pair !== undefined) return pair;
  if (kind !== "memory") return undefined;
  let limit: number | undefined;
  for (const l of series) {
    if (!/(heap_memory_max|mem(ory)?\.limits?$|memory_limit)/.test(l.metric)) continue;
    const v = maxOf(l);
    if (v !== undefined) limit = Math.max(limit ?? v, v);
  }
  return limit;
}

/** History read like today's series: a counter's history becomes its rate as well. */
function historyLike(
  history: SeriesHistory | undefined,
  today: Series,
  profile: MetricProfile | undefined,
): SeriesHistory | undefined {
  if (!history || !today.derived) return history;
  const asRate = (past: Series | undefined): Series | undefined => {
    if (!past) return undefined;
    const shape = counterShape(past, profile);
    return shape ? counterRate(past, shape, profile?.unit, profile?.kind) : undefined;
  };
  const day = asRate(history.day);
  const week = asRate(history.week);
  return { ...(day ? { day } : {}), ...(week ? { week } : {}) };
}

/** What each series is (metadata and the source's unit included), counters turned into rates. */
function understand(series: readonly Series[], metadata: ReadonlyMap<string, MetricMetadata>) {
  const read = series.map((raw) => {
    // The unit a series came with is metadata too: it can say what a name alone does not (bytes, seconds).
    const known =
      metadata.get(raw.metric) ??
      (raw.source_unit?.name
        ? { unit: raw.source_unit.name, ...(raw.source_unit.per ? { per_unit: raw.source_unit.per } : {}) }
        : undefined);
    const profile = withSourceUnit(classifyMetric(raw.metric, known), raw.source_unit);
    const shape = counterShape(raw, profile);
    const s = shape ? counterRate(raw, shape, profile?.unit, profile?.kind) : raw;
    const understood = shape && profile ? withSourceUnit(profile, s.source_unit) : profile;
    return { series: s, profile: understood };
  });
  return pairSummaries(read);
}

/**
 * The analyst: statistics for every series, then anomalies (change points, spikes, ramps, leaks,
 * saturation, flat lines, missing data, traffic changes, error bursts), monitors in trouble,
 * error-log bursts and deploy correlation, as ranked findings with ids F1, F2…
 */
export function analyzeEvidence(input: { readonly evidence: Evidence; readonly plan: Plan }): AnalysisResult {
  const { evidence, plan } = input;
  const window = evidence.window;
  const collected = collect(evidence, plan);
  const { missing, monitors, events, logs, coverage } = collected;
  const understood = understand(collected.series, collected.metadata);
  const series = understood.map((u) => u.series);
  const stats = understood.map((u) => seriesStats(u.series, window, u.profile));

  let detections: Detection[] = [];
  const forecasts: Forecast[] = [];
  const pasts = new Map<string, SeriesHistory>();
  for (const { series: s, profile } of understood) {
    if (isLimitMetric(s.metric, collected.metadata.get(s.metric))) continue;
    const kind = s.kind ?? profile?.kind;
    const limit = limitFor(s, series, kind);
    const memory = kind === "memory";
    const own = detectSeries(s, window, {
      ...(profile ? { profile } : {}),
      ...(limit !== undefined ? { limit, ...(memory ? { memoryLimit: limit } : {}) } : {}),
    });
    // History: what it shows too is the service's rhythm; a level far from it all window is older trouble.
    // A summary's mean per request has no history read alike (its sum's history is a total).
    const past = s.derived?.startsWith("the mean duration per request")
      ? undefined
      : historyLike(collected.history.get(labelOf(s)), s, profile);
    if (past) {
      pasts.set(labelOf(s), past);
      detections.push(...judgeAgainstHistory(own, s, past, window));
      const degraded = degradedAgainstHistory(s, past, window, profile, own);
      if (degraded) detections.push(degraded);
    } else detections.push(...judgeAgainstOwnWeeks(own, s, window));
    const forecast = forecastOf(prepareSeries(s, profile, limit), window.end - window.start);
    if (forecast) forecasts.push(forecast);
  }
  detections = withErrorRates(
    detections,
    series,
    window,
    (s) => pasts.get(labelOf(s)),
    plan.intent === "errors",
  );
  for (const l of logs) detections.push(...logDetections(l, window));
  detections.push(...monitorDetections(monitors, window));
  detections = detections.map((d, i) => ({ ...d, uid: `d${i}` }));
  detections = linkCoincident(detections, 10 * 60_000);
  detections = correlateDeploys(detections, events, window);

  const findings = linkCauses(rankFindings(detections, window, plan.intent));
  return {
    findings,
    stats,
    coverage: Math.round(coverage * 1000) / 1000,
    missing,
    forecasts: withFindingProjections(forecasts, findings, window),
    history: {
      compared: [...new Set([...collected.history.keys()])],
      unavailable: collected.historyMissing,
    },
  };
}
