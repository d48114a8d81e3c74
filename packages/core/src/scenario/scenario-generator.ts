import type { EventInfo, LogSummary, MonitorInfo } from "../evidence.js";
import { parseDuration, type TimeWindow } from "../time-window.js";
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

/** "-2h" → -7_200_000; "0" and "end" → 0. */
export function offsetMs(offset: string): number {
  const text = offset.trim();
  if (text === "0" || text === "end") return 0;
  const ms = parseDuration(text.replace(/^-\s*/, ""));
  if (ms === undefined) throw new Error(`bad offset "${offset}"`);
  return -ms;
}

export function scenarioWindow(scenario: Scenario, anchor: number): TimeWindow {
  const ms = parseDuration(scenario.window) ?? 3_600_000;
  return { start: anchor - ms, end: anchor, label: `last ${scenario.window}` };
}

function hash32(text: string, n: number): number {
  let h = 2166136261 ^ n;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return h >>> 0;
}

/** A uniform number in (0, 1) determined by the key and n. */
function uniform(key: string, n: number): number {
  return (hash32(key, n) + 0.5) / 4294967296;
}

/** A standard normal number determined by the key and n (Box–Muller). */
function gaussian(key: string, n: number): number {
  const u1 = uniform(key, n * 2 + 1);
  const u2 = uniform(key, n * 2 + 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

interface IncidentSpan {
  readonly incident: ScenarioIncident;
  readonly start: number;
  readonly end: number;
  readonly rampMs: number;
}

const DEFAULT_SHORT_MS = 15 * 60_000;

function spanOf(incident: ScenarioIncident, anchor: number): IncidentSpan {
  const start = anchor + offsetMs(incident.start);
  const long = incident.type === "step" || incident.type === "ramp" || incident.type === "leak";
  const end =
    incident.end !== undefined ? anchor + offsetMs(incident.end) : long ? anchor : start + DEFAULT_SHORT_MS;
  const rampMs = incident.ramp ? (parseDuration(incident.ramp) ?? 0) : 0;
  return { incident, start, end: Math.max(end, start), rampMs };
}

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
      if (t > end) return 0;
      return end === start ? 1 : (t - start) / (end - start);
    case "oscillation": {
      if (t > end) return 0;
      const period = parseDuration(incident.period ?? "10m") ?? 600_000;
      return 0.5 + 0.5 * Math.sin((2 * Math.PI * (t - start)) / period);
    }
    default:
      if (t > end) return 0;
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

function seriesKey(scenario: Scenario, series: ScenarioSeries): string {
  return `${scenario.seed}|${scenario.service}|${series.metric}|${series.group.join(",")}`;
}

/** The noiseless, incident-free level of a series at t: baseline × drift × daily cycle. */
function baseLevel(series: ScenarioSeries, anchor: number, windowStart: number, t: number): number {
  const days = (t - windowStart) / 86_400_000;
  let level = series.baseline * (1 + series.trend_per_day * days);
  if (series.seasonality) {
    const hour = (((t % 86_400_000) + 86_400_000) % 86_400_000) / 3_600_000;
    level *=
      1 + series.seasonality.amplitude * Math.cos((2 * Math.PI * (hour - series.seasonality.peak_hour)) / 24);
  }
  void anchor;
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
  if (spans.some((s) => s.incident.type === "nodata" && t >= s.start && t <= s.end)) return null;

  for (const span of spans) {
    if (span.incident.type === "flatline" && t >= span.start && t <= span.end) {
      const flat = span.incident.value ?? baseLevel(series, anchor, window.start, span.start);
      return clamp(series, flat);
    }
  }

  // The expected level first (baseline, cycle, incidents), then noise around it.
  const base = baseLevel(series, anchor, window.start, t);
  let level = base;
  for (const span of spans) level = applyIncident(level, base, span, strength(span, t));

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

function poisson(lambda: number, key: string, n: number): number {
  if (lambda <= 0) return 0;
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  for (let i = 0; i < 200; i++) {
    p *= uniform(key, n * 1000 + i + 7);
    if (p <= limit) return k;
    k += 1;
  }
  return k;
}

function clamp(series: ScenarioSeries, value: number): number {
  let v = Math.max(series.min ?? 0, value);
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
    tags: [`service:${scenario.service}`, ...m.tags],
    ...(m.query !== undefined ? { query: m.query } : {}),
    ...(m.last_triggered !== undefined ? { last_triggered: anchor + offsetMs(m.last_triggered) } : {}),
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
    const burst = bursts.find((b) => t + bucketMs > b.start && t <= b.end);
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
