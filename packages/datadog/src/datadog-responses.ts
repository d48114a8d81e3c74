import type { v1, v2 } from "@datadog/datadog-api-client";
import type {
  EventInfo,
  LogSummary,
  MetricMetadata,
  MonitorInfo,
  Series,
  ServiceScope,
  SourceUnit,
} from "@orch/core";
import { eventType } from "./event-type.js";
import { makeSeries } from "./make-series.js";
import { epochMs } from "./normalise-wire-body.js";

/** Maps the SDK's Datadog responses to our shapes; tolerant of missing fields, never throws. */

const finite = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;

/** The text of an enum value, also one the SDK did not know and kept unparsed. */
function enumText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  const raw = rawValue(value);
  return typeof raw === "string" ? raw : undefined;
}

/** A series' unit pair as Datadog names it: ["byte", "second"] → { name: "byte", per: "second" }. */
function sourceUnitOf(unit: v1.MetricsQueryMetadata["unit"]): SourceUnit | undefined {
  const [main, per] = (unit ?? []) as ReadonlyArray<v1.MetricsQueryUnit | null | undefined>;
  if (!main?.name) return undefined;
  return per?.name ? { name: main.name, per: per.name } : { name: main.name };
}

/** Series of a /api/v1/query answer, at most `max` of them, with the unit Datadog gave each. */
export function seriesFromQuery(
  response: v1.MetricsQueryResponse,
  metric: string,
  query: string,
  max: number,
  fallbackIntervalS: number,
): Series[] {
  return (response.series ?? []).slice(0, max).map((s) => {
    const points = (s.pointlist ?? []).flatMap((p): Array<[number, number | null]> => {
      const t = finite(p[0]);
      // Datadog's points are in epoch ms (sent as floats, 1623846300000.0); a server sending seconds is read the same.
      return t === null ? [] : [[Math.round(Math.abs(t) < 1e11 ? t * 1000 : t), finite(p[1])]];
    });
    const interval = finite(s.interval) ?? fallbackIntervalS;
    return makeSeries(s.metric ?? metric, query, s.tagSet ?? [], points, interval, sourceUnitOf(s.unit));
  });
}

/** Datadog's metadata of a metric, or null when it has none set (Datadog answers every field null). */
export function metricMetadataOf(metadata: v1.MetricMetadata): MetricMetadata | null {
  const interval = finite(metadata.statsdInterval);
  const read: MetricMetadata = {
    ...(metadata.type ? { type: metadata.type } : {}),
    ...(metadata.unit ? { unit: metadata.unit } : {}),
    ...(metadata.perUnit ? { per_unit: metadata.perUnit } : {}),
    ...(metadata.description ? { description: metadata.description } : {}),
    ...(metadata.integration ? { integration: metadata.integration } : {}),
    ...(interval !== null && interval > 0 ? { interval_s: interval } : {}),
  };
  return Object.keys(read).length > 0 ? read : null;
}

/** Whether any of `tags` gives a scope tag's key another value (service:billing under service:checkout). */
function contradictsScope(tags: readonly string[], scope: ServiceScope): boolean {
  const lower = tags.map((t) => t.trim().toLowerCase());
  return scope.tags.some((tag) => {
    const key = `${tag.split(":")[0]}:`;
    const same = lower.filter((t) => t.startsWith(key));
    return same.length > 0 && !same.includes(tag);
  });
}

/**
 * Whether an event is inside the scope. Datadog already filtered by the tags we sent, and
 * plenty of events (CI/CD integrations, Kubernetes) carry no `service:` tag at all, so only an
 * event that names another value of a scope tag's key is dropped: a second line of defence
 * behind the filter, not a second filter.
 */
export function eventInScope(tags: readonly string[], scope: ServiceScope): boolean {
  return !contradictsScope(tags, scope);
}

/** `key:value` terms of a monitor query for the scope's keys, e.g. ["service:checkout"]. */
function scopeTermsOf(query: string, scope: ServiceScope): string[] {
  const keys = new Set(scope.tags.map((t) => t.split(":")[0] ?? ""));
  return [...query.toLowerCase().matchAll(/([a-z][a-z0-9_.\-/]*):([a-z0-9_.\-/]+)/g)]
    .filter((m) => keys.has(m[1] ?? ""))
    .map((m) => `${m[1]}:${m[2]}`);
}

/**
 * Whether a monitor is inside the scope: its query names a scope tag, or nothing about it
 * (tags or query) names another value of a scope tag's key.
 */
export function monitorInScope(tags: readonly string[], query: string, scope: ServiceScope): boolean {
  const terms = scopeTermsOf(query, scope);
  if (terms.some((t) => scope.tags.includes(t))) return true;
  return !contradictsScope(tags, scope) && !contradictsScope(terms, scope);
}

/** Epoch ms of an ISO string, a Date, or epoch seconds or ms. */
const timeOf = (value: unknown): number | undefined => epochMs(value);

/**
 * A monitor as we read it. `last_triggered` is the latest trigger of its groups (Datadog's
 * `last_triggered_ts`); `state_since` is when its overall state last changed
 * (`overall_state_modified`), which for a monitor in Alert for years is years ago: the two are
 * kept apart, so that neither passes for the other.
 */
export function monitorInfo(monitor: v1.Monitor): MonitorInfo {
  const state = enumText(monitor.overallState) ?? "Unknown";
  const type = enumText(monitor.type);
  const groups = Object.values(monitor.state?.groups ?? {});
  const triggered = groups.map((g) => finite(g.lastTriggeredTs) ?? 0).reduce((a, b) => Math.max(a, b), 0);
  const since = timeOf(monitor.additionalProperties?.overall_state_modified);
  return {
    id: monitor.id ?? 0,
    name: monitor.name ?? "",
    state,
    ...(type ? { type } : {}),
    tags: monitor.tags ?? [],
    ...(monitor.query ? { query: monitor.query } : {}),
    ...(triggered > 0 ? { last_triggered: triggered * 1000 } : {}),
    ...(since !== undefined && since > 0 ? { state_since: since } : {}),
  };
}

/**
 * A monitor as the monitor search returns it: `status` is its overall state, `last_triggered_ts`
 * the latest trigger of its groups (epoch seconds), `overall_state_modified` when it entered its
 * state — kept apart as in monitorInfo.
 */
export function monitorSearchInfo(result: v1.MonitorSearchResult): MonitorInfo {
  const state = enumText(result.status) ?? "Unknown";
  const type = enumText(result.type);
  const triggered = finite(result.lastTriggeredTs) ?? 0;
  const since = timeOf(result.additionalProperties?.overall_state_modified);
  return {
    id: result.id ?? 0,
    name: result.name ?? "",
    state,
    ...(type ? { type } : {}),
    tags: result.tags ?? [],
    ...(result.query ? { query: result.query } : {}),
    ...(triggered > 0 ? { last_triggered: triggered * 1000 } : {}),
    ...(since !== undefined && since > 0 ? { state_since: since } : {}),
  };
}

export function eventInfo(event: v1.Event): EventInfo {
  const tags = event.tags ?? [];
  const title = event.title ?? "";
  const alertType = typeof event.alertType === "string" ? event.alertType : undefined;
  const type = eventType({
    tags,
    title,
    ...(event.text ? { text: event.text } : {}),
    ...(alertType ? { alertType } : {}),
    ...(event.sourceTypeName ? { source: event.sourceTypeName } : {}),
  });
  return {
    id: event.idStr ?? String(event.id ?? ""),
    title,
    time: (finite(event.dateHappened) ?? 0) * 1000,
    tags,
    type,
    ...(event.text ? { text: event.text } : {}),
    ...(alertType ? { alert_type: alertType } : {}),
  };
}

/** A compute value as the SDK left it: itself, or the raw data of an object it could not parse. */
function rawValue(value: unknown): unknown {
  if (typeof value === "object" && value !== null && !Array.isArray(value) && "_data" in value)
    return value._data;
  return value;
}

function countOf(value: unknown): number | null {
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  return finite(value);
}

/** Spreads `total` over slots in proportion to `weights`, in whole counts that add up to it. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || weights.length === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const whole = exact.map(Math.floor);
  let left = Math.round(total - whole.reduce((a, b) => a + b, 0));
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    whole[i] = (whole[i] ?? 0) + 1;
    left -= 1;
  }
  return whole;
}

/**
 * Error counts per bucket over [start, end), every bucket present (Datadog omits empty ones).
 * Reads the `c0` compute as timeseries points (`time` as ISO 8601, epoch ms or epoch s) or as a
 * total. A total without points is spread over the window like the sampled logs' timestamps
 * (evenly when there are none), so a count that was present never reads as zeros.
 */
export function errorCounts(
  response: v2.LogsAggregateResponse,
  start: number,
  end: number,
  bucketMs: number,
  sampleTimes: readonly number[] = [],
): Array<[number, number]> {
  const first = Math.floor(start / bucketMs) * bucketMs;
  const slots: number[] = [];
  for (let t = first; t < end; t += bucketMs) slots.push(t);
  const last = slots[slots.length - 1] ?? first;
  const slotOf = (time: number): number | null => {
    // A server may align its buckets differently: a point up to a bucket outside the window still counts.
    if (time < first - bucketMs || time >= end + bucketMs) return null;
    return Math.min(last, Math.max(first, Math.floor(time / bucketMs) * bucketMs));
  };
  const counts = new Map<number, number>();
  let points = 0;
  let total = 0;
  for (const bucket of response.data?.buckets ?? []) {
    const computes: Record<string, unknown> = bucket.computes ?? {};
    const value = rawValue(computes.c0 ?? Object.values(computes)[0]);
    const asTotal = countOf(value);
    if (asTotal !== null) total += asTotal;
    if (!Array.isArray(value)) continue;
    for (const point of value as unknown[]) {
      if (typeof point !== "object" || point === null) continue;
      const time = timeOf((point as { time?: unknown }).time);
      const n = countOf((point as { value?: unknown }).value);
      const slot = time === undefined ? null : slotOf(time);
      if (slot === null || n === null) continue;
      points += 1;
      counts.set(slot, (counts.get(slot) ?? 0) + n);
    }
  }
  if (points === 0) {
    const sampled = slots.map(() => 0);
    for (const time of sampleTimes) {
      const slot = slotOf(time);
      if (slot !== null) sampled[(slot - first) / bucketMs] = (sampled[(slot - first) / bucketMs] ?? 0) + 1;
    }
    const seen = sampled.reduce((a, b) => a + b, 0);
    const spread = total > 0 ? apportion(total, seen > 0 ? sampled : slots.map(() => 1)) : sampled;
    return slots.map((t, i) => [t, spread[i] ?? 0]);
  }
  return slots.map((t) => [t, counts.get(t) ?? 0]);
}

const messageOf = (text: string): string =>
  (text.split("\n")[0] ?? "").replace(/\s+/g, " ").trim().slice(0, 200);

/** Epoch ms of each sampled log that has a timestamp. */
export function logTimes(logs: readonly v2.Log[]): number[] {
  return logs.flatMap((log) => {
    const t = timeOf(log.attributes?.timestamp);
    return t === undefined ? [] : [t];
  });
}

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
