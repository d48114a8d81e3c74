import type { Forecast, SeriesStats } from "../analysis-result.js";
import type { EventInfo, LogSummary, MonitorInfo } from "../evidence.js";
import type { Finding } from "../finding.js";
import { compactNumber, signedCompactNumber } from "./compact-number.js";
import type { DefinedPoint } from "./lttb.js";
import { relativeTime } from "./relative-time.js";

/** One line of plain text: no line breaks, runs of whitespace collapsed, at most `max` characters. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function evidenceValue(key: string, value: number | string, end: number): string {
  if (typeof value === "string") return oneLine(value, 60);
  // Ids are names, not magnitudes: "monitor_id=1000", never "1k".
  if (/(^|_)id$/.test(key)) return String(value);
  // Epoch-millisecond values read better as offsets from the window end.
  if (/(^|_)(at|time|start|end|since|until)$/.test(key) && value > 1e12) return relativeTime(value, end);
  return compactNumber(value);
}

/** "[f1] critical errors trace.http.request.errors -35m..-5m: summary (peak=45, baseline=1.2)". */
export function findingLine(finding: Finding, end: number): string {
  const numbers = Object.entries(finding.evidence)
    .map(([k, v]) => `${k}=${evidenceValue(k, v, end)}`)
    .join(", ");
  const when = `${relativeTime(finding.window.start, end)}..${relativeTime(finding.window.end, end)}`;
  const related =
    finding.related && finding.related.length > 0 ? ` related: ${finding.related.join(",")}` : "";
  const details = numbers ? ` (${numbers})` : "";
  return `[${finding.id}] ${finding.severity} ${finding.category} ${finding.metric} ${when}: ${oneLine(finding.summary, 240)}${details}${related}`;
}

/** The basic statistics of a series' points, for series the analysis left out. */
export function basicStats(points: ReadonlyArray<readonly [number, number | null]>): Partial<SeriesStats> {
  const values = points.map((p) => p[1]).filter((v): v is number => v !== null && Number.isFinite(v));
  if (values.length === 0) return { count: points.length, gaps: points.length };
  return {
    count: points.length,
    gaps: points.length - values.length,
    current: values[values.length - 1] ?? null,
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

const pct = (share: number): string => `${compactNumber(share * 100)}%`;

/**
 * "system.disk.in_use{host:db-1} disk: used 81% now, +0.8pp/h, 90% in 11h, full in 24h (trend
 * trusted 24h ahead)" — a bounded resource's forecast, in shares of it used.
 */
export function forecastLine(f: Forecast): string {
  const parts = [`used ${pct(f.used_now)} now`];
  if (f.trend_pp_per_hour !== undefined) parts.push(`${signedCompactNumber(f.trend_pp_per_hour)}pp/h`);
  if (f.hours_to_threshold !== undefined) {
    parts.push(`${pct(f.threshold_used)} in ${compactNumber(f.hours_to_threshold)}h`);
  } else if (f.breached !== undefined) {
    parts.push(`beyond ${pct(f.breached)} already`);
  } else {
    parts.push(`not nearing ${pct(f.threshold_used)}`);
  }
  if (f.hours_to_full !== undefined) parts.push(`full in ${compactNumber(f.hours_to_full)}h`);
  const cite = f.finding ? ` [${f.finding}]` : "";
  return `${f.series} ${f.resource}: ${parts.join(", ")} (trend trusted ${compactNumber(f.horizon_h)}h ahead)${cite}`;
}

/** "label kind/unit: now=45 avg=3.2 min=0 max=50 p50=1 p95=40 p99=48 slope=+1.2/h chg=+350% n=1440". */
export function statsLine(
  label: string,
  kind: string | undefined,
  unit: string | undefined,
  s: Partial<SeriesStats>,
): string {
  const parts: string[] = [];
  const add = (name: string, value: number | null | undefined, signed = false, suffix = ""): void => {
    if (value !== null && value !== undefined)
      parts.push(`${name}=${signed ? signedCompactNumber(value) : compactNumber(value)}${suffix}`);
  };
  add("now", s.current);
  add("avg", s.mean);
  add("min", s.min);
  add("max", s.max);
  add("p50", s.p50);
  add("p95", s.p95);
  add("p99", s.p99);
  add("slope", s.slope_per_hour, true, "/h");
  add("chg", s.change_pct, true, "%");
  if (s.count !== undefined) parts.push(`n=${s.count}`);
  if (s.gaps) parts.push(`gaps=${s.gaps}`);
  const tag = [kind, unit].filter((x) => x !== undefined).join("/");
  return `${label}${tag ? ` ${tag}` : ""}: ${parts.join(" ")}`;
}

/**
 * "label (48 of 1440): -24h 1.2, -23h30m 1.3, -5h..-2h 0, ..." — runs of three or more equal
 * values collapse to "start..end value", so flat stretches (zero errors, say) cost little.
 */
export function pointsLine(
  label: string,
  points: readonly DefinedPoint[],
  total: number,
  end: number,
): string {
  const parts: string[] = [];
  for (let i = 0; i < points.length;) {
    const [t0, v0] = points[i] ?? [0, 0];
    const value = compactNumber(v0);
    let j = i;
    while (j + 1 < points.length && compactNumber(points[j + 1]?.[1]) === value) j += 1;
    if (j - i >= 2) {
      parts.push(`${relativeTime(t0, end)}..${relativeTime(points[j]?.[0] ?? t0, end)} ${value}`);
    } else {
      for (let k = i; k <= j; k++) parts.push(`${relativeTime(points[k]?.[0] ?? t0, end)} ${value}`);
    }
    i = j + 1;
  }
  return `${label} (${points.length} of ${total}): ${parts.join(", ")}`;
}

const MONITOR_ORDER: Readonly<Record<string, number>> = { Alert: 0, Warn: 1, "No Data": 2 };

/** When a monitor entered its state: an offset, and the date and year once it is days old ("-400d, 2024-01-28"). */
function stateChange(m: MonitorInfo, end: number): string {
  const since = m.state_since ?? m.last_triggered;
  if (since === undefined) return "";
  const date = end - since > 86_400_000 ? `, ${new Date(since).toISOString().slice(0, 10)}` : "";
  const retriggered =
    m.last_triggered !== undefined && m.last_triggered !== since
      ? `, last triggered ${relativeTime(m.last_triggered, end)}`
      : "";
  return `, in this state since ${relativeTime(since, end)}${date}${retriggered}`;
}

/** Monitors not OK first, one line each; OK monitors only counted. */
export function monitorLines(monitors: readonly MonitorInfo[], end: number, max: number): string[] {
  const notOk = monitors
    .filter((m) => m.state !== "OK")
    .sort((a, b) => (MONITOR_ORDER[a.state] ?? 3) - (MONITOR_ORDER[b.state] ?? 3) || a.id - b.id);
  const lines = notOk.slice(0, max).map((m) => {
    const type = m.type !== undefined ? `, ${m.type}` : "";
    return `${m.state} "${oneLine(m.name, 100)}" (id ${m.id}${type}${stateChange(m, end)})`;
  });
  const okCount = monitors.length - notOk.length;
  const hidden = notOk.length - lines.length;
  if (okCount > 0 || hidden > 0) {
    lines.push(`${okCount} OK${hidden > 0 ? `, ${hidden} more not OK` : ""}`);
  }
  return lines;
}

const EVENT_ORDER: Readonly<Record<EventInfo["type"], number>> = {
  deploy: 0,
  config: 1,
  alert: 2,
  scale: 3,
  other: 4,
};

/** Deploys and config changes first, then alerts; most recent first within a type. */
export function eventLines(events: readonly EventInfo[], end: number, max: number): string[] {
  const sorted = [...events].sort((a, b) => EVENT_ORDER[a.type] - EVENT_ORDER[b.type] || b.time - a.time);
  const lines = sorted
    .slice(0, max)
    .map((e) => `${relativeTime(e.time, end)} ${e.type} "${oneLine(e.title, 100)}"`);
  if (sorted.length > max) lines.push(`${sorted.length - max} more events`);
  return lines;
}

/** Total error logs, their shape over time, and the top messages. */
export function logLines(
  logs: LogSummary,
  shape: readonly DefinedPoint[],
  end: number,
  maxMessages: number,
): string[] {
  const lines = [`${compactNumber(logs.total_errors)} error logs`];
  if (shape.length > 0) {
    lines[0] += `; per bucket: ${shape.map(([t, v]) => `${relativeTime(t, end)} ${compactNumber(v)}`).join(", ")}`;
  }
  for (const m of logs.top_messages.slice(0, maxMessages)) {
    lines.push(`x${compactNumber(m.count)} "${oneLine(m.message, 120)}"`);
  }
  return lines;
}
