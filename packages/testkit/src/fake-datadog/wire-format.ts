import { createHash } from "node:crypto";
import type { EventInfo, LogSummary, MetricMetadata } from "@orch/core";
import type { ParsedMetricQuery } from "./metric-query.js";
import type { FakeSeries } from "./scenario-series.js";
import { seriesUnitArray } from "./series-unit.js";
import { floatMs, RawNumber } from "./wire-json.js";

/**
 * Datadog's response bodies (snake_case, as on the wire) built from scenario data, in the shape
 * of the real responses recorded in packages/testkit/fixtures/datadog-recordings (the contract
 * test holds them to it). Monitors are in monitor-wire-format.ts.
 */

export const iso = (ms: number): string => new Date(ms).toISOString();
const seconds = (ms: number): number => Math.floor(ms / 1000);
const sha1 = (text: string): string => createHash("sha1").update(text).digest("hex");

/** A stable int64 id above 2^53, as Datadog's event ids are: JavaScript numbers cannot hold it. */
export function int64Id(text: string): string {
  return ((1n << 62n) + BigInt(`0x${sha1(text).slice(0, 14)}`)).toString();
}

/** One query of a GET /api/v1/query request and the series it selects. */
export interface AnsweredQuery {
  readonly parsed: ParsedMetricQuery;
  readonly series: readonly FakeSeries[];
}

/**
 * GET /api/v1/query: the series of every query in the request (several when comma-separated),
 * each naming its query by `query_index`, in the order of the queries.
 */
export function queryResponse(query: string, answered: readonly AnsweredQuery[], from: number, to: number) {
  return {
    status: "ok",
    res_type: "time_series",
    resp_version: 1,
    query,
    from_date: from,
    to_date: to,
    group_by: answered[0]?.parsed.by ?? [],
    message: "",
    times: [],
    values: [],
    series: answered.flatMap(({ parsed, series }, index) => {
      const agg = parsed.aggregator ? `${parsed.aggregator}:` : "";
      const functions = parsed.asCount ? ".as_count()" : "";
      return series.map((s) => {
        const scope = [...parsed.tags, ...s.group].join(",") || "*";
        const first = s.points[0]?.[0] ?? from;
        const last = s.points[s.points.length - 1]?.[0] ?? to;
        const expression = `${agg}${parsed.metric}{${scope}}${functions}`;
        return {
          metric: parsed.metric,
          display_name: parsed.shift ? `${parsed.shift}(${parsed.metric})` : parsed.metric,
          pointlist: s.points.map(([t, v]) => [floatMs(t), v]),
          scope,
          expression: parsed.shift ? `${parsed.shift}(${expression})` : expression,
          tag_set: s.group,
          interval: s.interval_s,
          start: first,
          // The start of the last point's interval, in whole seconds, as Datadog reports it.
          end: last + (s.interval_s - 1) * 1000,
          length: s.points.length,
          // Datadog echoes the aggregator the query named, and null when it named none.
          aggr: parsed.aggregator ?? null,
          unit: seriesUnitArray(s.unit, s.per_unit),
          query_index: index,
          attributes: {},
        };
      });
    }),
  };
}

/** GET /api/v1/metrics */
export function metricsListResponse(from: number, metrics: readonly string[]) {
  return { metrics, from: String(from) };
}

/**
 * GET /api/v1/metrics/{metric_name} for a metric Datadog knows: its metadata, every field null
 * when none is set (as Datadog answers for a metric without metadata).
 */
export function metricMetadataResponse(metadata: MetricMetadata | undefined) {
  return {
    description: metadata?.description ?? null,
    short_name: null,
    integration: metadata?.integration ?? null,
    statsd_interval: metadata?.interval_s ?? null,
    per_unit: metadata?.per_unit ?? null,
    type: metadata?.type ?? null,
    unit: metadata?.unit ?? null,
  };
}

/** GET /api/v2/metrics/{metric_name}/all-tags: the metric's tags, as JSON:API data. */
export function metricAllTagsResponse(metric: string, tags: readonly string[]) {
  return { data: { type: "metrics", id: metric, attributes: { tags } } };
}

/** One entry of GET /api/v1/events: the integration in `source`, the int64 id as a bare number, no `id_str`. */
export function eventResponse(event: EventInfo) {
  const id = int64Id(event.id);
  const alert = event.alert_type ?? (event.type === "alert" ? "error" : "info");
  return {
    date_happened: seconds(event.time),
    alert_type: alert,
    is_aggregate: false,
    title: event.title,
    url: `/event/event?id=${id}`,
    text: event.text ?? "",
    // Deploys are told apart as Datadog's own deployment events are, by their source; the other kinds by a tag.
    tags:
      event.type === "other" || event.type === "deploy" || event.tags.includes(`event_type:${event.type}`)
        ? event.tags
        : [...event.tags, `event_type:${event.type}`],
    comments: [],
    device_name: null,
    priority: "normal",
    source: event.type === "deploy" ? "Deployment" : "My Apps",
    host: null,
    resource: `/api/v1/events/${id}`,
    id: new RawNumber(id),
  };
}

const meta = (started: number) => ({
  elapsed: Math.max(1, Date.now() - started),
  request_id: sha1(String(started)).slice(0, 20),
  status: "done",
});

/** POST /api/v2/logs/analytics/aggregate with one count compute (timeseries or total). */
export function logsAggregateResponse(summary: LogSummary, timeseries: boolean, started: number) {
  const value = timeseries
    ? summary.error_counts.filter(([, n]) => n > 0).map(([t, n]) => ({ time: iso(t), value: n }))
    : summary.total_errors;
  return { meta: meta(started), data: { buckets: [{ by: {}, computes: { c0: value } }] } };
}

/** An opaque log id (Datadog's are base64 of an internal key). */
export const logId = (key: string): string => `AQAAA${Buffer.from(key).toString("base64url")}`;

/** An opaque page cursor, as Datadog's: base64 of `{"after": "<log id>"}`. */
export const logCursor = (after: string): string =>
  Buffer.from(JSON.stringify({ after })).toString("base64url");

/** The log id a cursor names, or undefined for one this fake did not hand out. */
export function cursorAfter(cursor: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const after = (parsed as { after?: unknown } | null)?.after;
    return typeof after === "string" ? after : undefined;
  } catch {
    return undefined;
  }
}

/** One log of POST /api/v2/logs/events/search. */
export function logResponse(id: string, service: string, message: string, time: number) {
  return {
    attributes: {
      status: "error",
      tags: [`service:${service}`, "source:fake"],
      timestamp: iso(time),
      host: `${service}-1`,
      attributes: { service, status: "error" },
      message,
    },
    type: "log",
    id,
  };
}

/** A page of POST /api/v2/logs/events/search: the next page's cursor in meta.page.after and links.next. */
export function logsSearchResponse(data: unknown[], after: string | undefined, baseUrl: string) {
  if (after === undefined) return { meta: {}, data };
  return {
    meta: { page: { after } },
    data,
    links: { next: `${baseUrl}/api/v2/logs/events?page%5Bcursor%5D=${after}` },
  };
}
