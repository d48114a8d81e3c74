import type { EventInfo, LogSummary, MonitorInfo } from "../evidence.js";
import { parseDuration, type TimeWindow } from "../time-window.js";
import { counterValueAt } from "./scenario-counter.js";
import { offsetMs } from "./scenario-offset.js";

export { offsetMs } from "./scenario-offset.js";
import { gaussian, poisson, seriesKey } from "./scenario-noise.js";
import type { Scenario, ScenarioIncident, ScenarioSeries } from "./scenario-schema.js";

/**
 * Deterministic synthetic data for a scenario. Every value is a pure function of the scenario,
 * the anchor (the window's end, epoch ms) and the timestamp, so reads over different windows
 * or at different times agree with each other — as real Datadog data would.
 */

const NICE_INTERVALS_S = [20, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400];

/** Datadog-like rollup: the smallest nice interval giving at most 720 points over the window. */
export function autoInterval(windowMs: number): number {
  const seconds = windowMs / 1000;
  return NICE_INTERVALS_S.find((i) => seconds / i <= 720) ?? 14_400;
}

export function scenarioWindow(scenario: Scenario, anchor: number): TimeWindow {
  const ms = parseDuration(scenario.window) ?? 3_600_000;
  return { start: anchor - ms, end: anchor, label: `last ${scenario.window}` };
}

interface IncidentSpan {
  readonly incident: ScenarioIncident;
  readonly start: number;
  readonly end: number;
  readonly rampMs: number;
  /** It lasts to the anchor, and so goes on after it (see `ongoing`). */
  readonly ongoing: boolean;
}

const DEFAULT_SHORT_MS = 15 * 60_000;

/**
 * Whether something that ends at `end` (an offset, or its default) lasts to the anchor. It then
 * goes on past the anchor: a read that reaches beyond it (the demo keeps a conversation's anchor
 * while it asks again minutes later) finds the incident still there, not over at the anchor.
 */
function ongoing(end: string | undefined, lastsToAnchor: boolean): boolean {
  return end === undefined ? lastsToAnchor : offsetMs(end) === 0;
}

function spanOf(incident: ScenarioIncident, anchor: number): IncidentSpan {
  const start = anchor + offsetMs(incident.start);
  const long = incident.type === "step" || incident.type === "ramp" || incident.type === "leak";
  const end =
    incident.end !== undefined ? anchor + offsetMs(incident.end) : long ? anchor : start + DEFAULT_SHORT_MS;
  const rampMs = incident.ramp ? (parseDuration(incident.ramp) ?? 0) : 0;
  return { incident, start, end: Math.max(end, start), rampMs, ongoing: ongoing(incident.end, long) };
}

/** Whether t falls within the span: from its start to its end, or on past it when ongoing. */
const within = (span: { start: number; end: number; ongoing: boolean }, t: number): boolean =>
  t >= span.start && (span.ongoing || t <= span.end);

const DEFAULT_FACTOR: Readonly<Record<ScenarioIncident["type"], number>> = {
  spike: 3,
  burst: 10,
  dip: 0.3,
  step: 1.5,
  ramp: 2,
  leak: 2,
  oscillation: 1.5,
  flatline: 1,
  nodata: 1,
  reset: 1,
};

/** Strength in [0, 1] of an incident at time t (0 outside it). */
function strength(span: IncidentSpan, t: number): number {
  const { incident, start, end, rampMs } = span;
  if (t < start) return 0;
  switch (incident.type) {
    case "ramp":
      return t >= end ? 1 : end === start ? 1 : (t - start) / (end - start);
    case "leak":
      // A leak grows until it ends; an end before the window's end is a restart back to normal.
      // One that lasts to the anchor keeps leaking after it, at the same pace.
      if (!within(span, t)) return 0;
      return end === start ? 1 : (t - start) / (end - start);
    case "oscillation": {
      if (!within(span, t)) return 0;
      const period = parseDuration(incident.period ?? "10m") ?? 600_000;
      return 0.5 + 0.5 * Math.sin((2 * Math.PI * (t - start)) / period);
    }
    case "reset":
      // A reset changes the running total, not the rate (see scenario-counter.ts).
      return 0;
    default:
      if (!within(span, t)) return 0;
      return rampMs > 0 ? Math.min(1, (t - start) / rampMs) : 1;
  }
}

function applyIncident(value: number, base: number, span: IncidentSpan, s: number): number {
  const { incident } = span;
  if (s <= 0) return value;
  if (incident.to !== undefined) return value + s * (incident.to - base);
  if (incident.delta !== undefined) return value + s * incident.delta;
  const factor = incident.factor ?? DEFAULT_FACTOR[incident.type];
  return value * (1 + s * (factor - 1));
}

const DAY_MS = 86_400_000;
/** How long the level takes to move between weekday and weekend. */
const WEEKEND_EDGE_MS = 2 * 3_600_000;

/** The weekly cycle's multiplier at t: 1 on weekdays, `weekend_factor` on the weekend, with 2 h edges. */
function weeklyFactor(weekly: NonNullable<NonNullable<ScenarioSeries["seasonality"]>["weekly"]>, t: number) {
  const week = 7 * DAY_MS;
  // 1970-01-01 was a Thursday (day 4 when Sunday is 0).
  const at = (((t + 4 * DAY_MS) % week) + week) % week;
  const start = weekly.weekend_start * DAY_MS;
  const length = weekly.weekend_days * DAY_MS;
  const into = (((at - start) % week) + week) % week;
  let inside: number;
  if (into >= length + WEEKEND_EDGE_MS) inside = 0;
  else if (into < WEEKEND_EDGE_MS) inside = into / WEEKEND_EDGE_MS;
  else if (into <= length) inside = 1;
  else inside = 1 - (into - length) / WEEKEND_EDGE_MS;
  return 1 + (weekly.weekend_factor - 1) * inside;
}

/** The noiseless, incident-free level of a series at t: baseline × drift × daily and weekly cycles. */
export function baseLevel(series: ScenarioSeries, windowStart: number, t: number): number {
  const days = (t - windowStart) / DAY_MS;
  let level = series.baseline * (1 + series.trend_per_day * days);
  const seasonality = series.seasonality;
  if (seasonality) {
    const hour = (((t % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
    level *= 1 + seasonality.amplitude * Math.cos((2 * Math.PI * (hour - seasonality.peak_hour)) / 24);
    if (seasonality.weekly) level *= weeklyFactor(seasonality.weekly, t);
  }
  return level;
}

/** The expected level at t: the incident-free level moved by every incident's strength. */
export function incidentLevel(scenario: Scenario, series: ScenarioSeries, anchor: number, t: number): number {
  const window = scenarioWindow(scenario, anchor);
  const base = baseLevel(series, window.start, t);
  let level = base;
  for (const incident of series.incidents) {
    const span = spanOf(incident, anchor);
    level = applyIncident(level, base, span, strength(span, t));
  }
  return level;
}

/** The value of a series at time t, or null where the scenario says there is no data. */
export function seriesValueAt(
  scenario: Scenario,
  series: ScenarioSeries,
  anchor: number,
  t: number,
): number | null {
  const window = scenarioWindow(scenario, anchor);
  const spans = series.incidents.map((i) => spanOf(i, anchor));
  if (spans.some((s) => s.incident.type === "nodata" && within(s, t))) return null;

  for (const span of spans) {
    if (span.incident.type === "flatline" && within(span, t)) {
      const flat = span.incident.value ?? baseLevel(series, window.start, span.start);
      return clamp(series, flat);
    }
  }
  if (series.cumulative) {
    const resets = spans.filter((s) => s.incident.type === "reset").map((s) => s.start);
    return counterValueAt({
      key: `${seriesKey(scenario, series)}|${anchor}|${scenario.window}|${JSON.stringify(series)}`,
      noiseKey: seriesKey(scenario, series),
      series,
      anchor,
      windowMs: window.end - window.start,
      resets,
      level: (at) => incidentLevel(scenario, series, anchor, at),
      t,
    });
  }

  // The expected level first (baseline, cycle, incidents), then noise around it.
  const level = incidentLevel(scenario, series, anchor, t);
  const key = seriesKey(scenario, series);
  const tick = Math.floor(t / 1000);
  let value: number;
  if (series.integer && level < 30) {
    // Small counts: a Poisson draw keeps quiet error counters realistic (mostly 0, 1, 2).
    value = poisson(level, key, tick);
  } else {
    value = level + series.noise * Math.max(Math.abs(series.baseline), Math.abs(level)) * gaussian(key, tick);
  }
  return clamp(series, value);
}

/**
 * Keeps a value within the series' bounds. Noise above `max` is reflected below it, as real
 * readings near a limit scatter under it; clamping would make runs of identical values that look
 * like a stuck gauge. Below `min` (default 0) values are clamped: counts are often exactly 0.
 */
function clamp(series: ScenarioSeries, value: number): number {
  let v = value;
  if (series.max !== undefined && v > series.max) v = 2 * series.max - v;
  v = Math.max(series.min ?? 0, v);
  if (series.max !== undefined) v = Math.min(series.max, v);
  if (series.integer) return Math.round(v);
  return Math.round(v * 10_000) / 10_000;
}

/** Points of a series between from and to (epoch ms), on a grid aligned to the interval. */
export function generateSeries(
  scenario: Scenario,
  series: ScenarioSeries,
  anchor: number,
  from: number,
  to: number,
  intervalS?: number,
): Array<[number, number | null]> {
  const interval = (intervalS ?? scenario.interval_s ?? autoInterval(to - from)) * 1000;
  const first = Math.ceil(from / interval) * interval;
  const points: Array<[number, number | null]> = [];
  for (let t = first; t <= to; t += interval) {
    points.push([t, seriesValueAt(scenario, series, anchor, t)]);
  }
  return points;
}

export function scenarioEvents(scenario: Scenario, anchor: number, from: number, to: number): EventInfo[] {
  return scenario.events
    .map((e, i) => {
      const time = anchor + offsetMs(e.at);
      const event: EventInfo = {
        id: `${scenario.id}-event-${i + 1}`,
        title: e.title,
        time,
        tags: [`service:${scenario.service}`, ...e.tags],
        type: e.type,
        ...(e.text !== undefined ? { text: e.text } : {}),
        ...(e.alert_type !== undefined ? { alert_type: e.alert_type } : {}),
      };
      return event;
    })
    .filter((e) => e.time >= from && e.time <= to);
}

export function scenarioMonitors(scenario: Scenario, anchor: number): MonitorInfo[] {
  return scenario.monitors.map((m, i) => ({
    id: 1000 + i,
    name: m.name,
    state: m.state,
    type: m.type,
    tags: m.service_tag ? [`service:${scenario.service}`, ...m.tags] : [...m.tags],
    ...(m.query !== undefined ? { query: m.query } : {}),
    ...(m.last_triggered !== undefined ? { last_triggered: anchor + offsetMs(m.last_triggered) } : {}),
    ...(m.state_since !== undefined ? { state_since: anchor + offsetMs(m.state_since) } : {}),
  }));
}

/** Error-log counts per bucket and the most frequent messages over [from, to]. */
export function generateLogs(
  scenario: Scenario,
  anchor: number,
  from: number,
  to: number,
  bucketMs: number,
): LogSummary {
  const logs = scenario.logs ?? { errors_per_minute: 0.5, messages: [], bursts: [] };
  const bursts = logs.bursts.map((b) => ({
    start: anchor + offsetMs(b.start),
    end: b.end !== undefined ? anchor + offsetMs(b.end) : anchor + offsetMs(b.start) + DEFAULT_SHORT_MS,
    ongoing: ongoing(b.end, false),
    factor: b.factor,
    message: b.message,
  }));
  const messages = logs.messages.length > 0 ? logs.messages : [{ message: "Unhandled error", weight: 1 }];
  const totalWeight = messages.reduce((a, m) => a + m.weight, 0);
  const counts: Array<[number, number]> = [];
  const byMessage = new Map<string, number>();
  const key = `${scenario.seed}|${scenario.service}|logs`;
  const first = Math.floor(from / bucketMs) * bucketMs;
  for (let t = first; t < to; t += bucketMs) {
    const burst = bursts.find((b) => t + bucketMs > b.start && (b.ongoing || t <= b.end));
    const lambda = logs.errors_per_minute * (bucketMs / 60_000) * (burst ? burst.factor : 1);
    const n = poisson(lambda, key, Math.floor(t / 1000));
    counts.push([t, n]);
    if (n === 0) continue;
    let rest = n;
    if (burst?.message) {
      const share = Math.round(n * (1 - 1 / burst.factor));
      byMessage.set(burst.message, (byMessage.get(burst.message) ?? 0) + share);
      rest -= share;
    }
    for (const m of messages) {
      const part = Math.round((rest * m.weight) / totalWeight);
      if (part > 0) byMessage.set(m.message, (byMessage.get(m.message) ?? 0) + part);
    }
  }
  const top = [...byMessage.entries()]
    .map(([message, count]) => ({ message, count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, 10);
  return { error_counts: counts, total_errors: counts.reduce((a, [, c]) => a + c, 0), top_messages: top };
}

/** Metric names a scenario's service reports. */
export function scenarioMetricNames(scenario: Scenario): string[] {
  return [...new Set(scenario.series.map((s) => s.metric))].sort();
}
