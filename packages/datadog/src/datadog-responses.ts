import type { v1, v2 } from "@datadog/datadog-api-client";
import type { EventInfo, LogSummary, MonitorInfo, Series, ServiceScope } from "@orch/core";
import { makeSeries } from "./make-series.js";

/** Maps the SDK's Datadog responses to our shapes; tolerant of missing fields, never throws. */

const finite = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;

/** Series of a /api/v1/query answer, at most `max` of them. */
export function seriesFromQuery(
  response: v1.MetricsQueryResponse,
  metric: string,
  query: string,
  max: number,
  fallbackIntervalS: number,
): Series[] {
  return (response.series ?? []).slice(0, max).map((s) => {
    const points = (s.pointlist ?? [])
      .filter((p) => finite(p[0]) !== null)
      .map((p): [number, number | null] => [Number(p[0]), finite(p[1])]);
    const interval = finite(s.interval) ?? fallbackIntervalS;
    return makeSeries(s.metric ?? metric, query, s.tagSet ?? [], points, interval);
  });
}

/**
 * Whether a record (monitor, event) tagged `tags` is inside the scope: it carries at least one
 * scope tag and contradicts none (no other value for a scope tag's key). A second line of
 * defence behind the tag filter sent to Datadog.
 */
export function taggedInScope(tags: readonly string[], scope: ServiceScope): boolean {
  const lower = tags.map((t) => t.toLowerCase());
  const present = scope.tags.some((t) => lower.includes(t));
  const contradicts = scope.tags.some((tag) => {
    const key = `${tag.split(":")[0]}:`;
    const same = lower.filter((t) => t.startsWith(key));
    return same.length > 0 && !same.includes(tag);
  });
  return present && !contradicts;
}

export function monitorInfo(monitor: v1.Monitor): MonitorInfo {
  const state = typeof monitor.overallState === "string" ? monitor.overallState : "Unknown";
  const triggered = Object.values(monitor.state?.groups ?? {})
    .map((g) => finite(g.lastTriggeredTs) ?? 0)
    .reduce((a, b) => Math.max(a, b), 0);
  return {
    id: monitor.id ?? 0,
    name: monitor.name ?? "",
    state,
    tags: monitor.tags ?? [],
    ...(monitor.query ? { query: monitor.query } : {}),
    ...(triggered > 0 ? { last_triggered: triggered * 1000 } : {}),
  };
}

const EVENT_TYPES: ReadonlyArray<EventInfo["type"]> = ["deploy", "config", "alert", "scale", "other"];

/** What an event is, from an `event_type:` tag, then the title and text, then its alert type. */
export function eventType(
  tags: readonly string[],
  title: string,
  text: string,
  alertType?: string,
): EventInfo["type"] {
  const tagged = tags.find((t) => t.startsWith("event_type:"))?.slice("event_type:".length);
  const known = EVENT_TYPES.find((t) => t === tagged);
  if (known) return known;
  const words = `${title} ${text}`;
  if (/\b(deploy(ed|ment|ing)?|release[ds]?|rollout|rolled out|roll(ed)? ?back)\b/i.test(words))
    return "deploy";
  if (/\b(config(uration)?|feature flag|flag (change|flip))\b/i.test(words)) return "config";
  if (/\b(scal(e|ed|ing)|autoscal\w*|replicas?)\b/i.test(words)) return "scale";
  if (alertType === "error" || alertType === "warning") return "alert";
  return "other";
}

export function eventInfo(event: v1.Event): EventInfo {
  const tags = event.tags ?? [];
  const title = event.title ?? "";
  const alertType = typeof event.alertType === "string" ? event.alertType : undefined;
  return {
    id: event.idStr ?? String(event.id ?? ""),
    title,
    time: (finite(event.dateHappened) ?? 0) * 1000,
    tags,
    type: eventType(tags, title, event.text ?? "", alertType),
    ...(event.text ? { text: event.text } : {}),
    ...(alertType ? { alert_type: alertType } : {}),
  };
}

function bucketTime(value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return value;
  if (typeof value !== "string") return null;
  const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

/** Error counts per bucket over [start, end), every bucket present (Datadog omits empty ones). */
export function errorCounts(
  response: v2.LogsAggregateResponse,
  start: number,
  end: number,
  bucketMs: number,
): Array<[number, number]> {
  const counts = new Map<number, number>();
  for (const bucket of response.data?.buckets ?? []) {
    const series = bucket.computes?.c0;
    if (!Array.isArray(series)) continue;
    for (const point of series as unknown[]) {
      if (typeof point !== "object" || point === null) continue;
      const time = bucketTime((point as { time?: unknown }).time);
      const value = finite((point as { value?: unknown }).value);
      if (time === null || value === null) continue;
      const slot = Math.floor(time / bucketMs) * bucketMs;
      counts.set(slot, (counts.get(slot) ?? 0) + value);
    }
  }
  const grid: Array<[number, number]> = [];
  for (let t = Math.floor(start / bucketMs) * bucketMs; t < end; t += bucketMs)
    grid.push([t, counts.get(t) ?? 0]);
  return grid;
}

const messageOf = (text: string): string =>
  (text.split("\n")[0] ?? "").replace(/\s+/g, " ").trim().slice(0, 200);

/**
 * The ten most frequent messages among the sampled logs. When the sample holds fewer logs than
 * the total, counts are scaled to the total so they read as estimates over the whole window.
 */
export function topMessages(logs: readonly v2.Log[], total: number): LogSummary["top_messages"] {
  const counts = new Map<string, number>();
  for (const log of logs) {
    const message = messageOf(log.attributes?.message ?? "");
    if (message) counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  const scale = logs.length > 0 && total > logs.length ? total / logs.length : 1;
  return [...counts.entries()]
    .map(([message, count]) => ({ message, count: Math.round(count * scale) }))
    .sort((a, b) => b.count - a.count || a.message.localeCompare(b.message))
    .slice(0, 10);
}

/** A Datadog interval string for a number of seconds: "1h", "5m", "20s". */
export function intervalText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
