import { createHash } from "node:crypto";
import type { EventInfo, LogSummary, MonitorInfo } from "@orch/core";
import type { ParsedMetricQuery } from "./metric-query.js";
import type { FakeSeries } from "./scenario-series.js";

/**
 * Datadog's documented response bodies (snake_case, as on the wire) built from scenario data.
 * Shapes follow the public API reference for each endpoint.
 */

const iso = (ms: number): string => new Date(ms).toISOString();
const seconds = (ms: number): number => Math.floor(ms / 1000);

/** A stable numeric id for a string id (Datadog ids are int64). */
export function numericId(text: string): number {
  return 1_000_000 + (createHash("sha1").update(text).digest().readUInt32BE(0) % 1_000_000_000);
}

/** GET /api/v1/query */
export function queryResponse(
  query: string,
  parsed: ParsedMetricQuery,
  series: FakeSeries[],
  from: number,
  to: number,
) {
  const scopeText = parsed.tags.join(",");
  return {
    status: "ok",
    res_type: "time_series",
    resp_version: 1,
    query,
    from_date: from,
    to_date: to,
    group_by: parsed.by,
    message: "",
    series: series.map((s) => {
      const scope = [...parsed.tags, ...s.group].join(",") || scopeText;
      const first = s.points[0]?.[0] ?? from;
      const last = s.points[s.points.length - 1]?.[0] ?? to;
      return {
        metric: parsed.metric,
        display_name: parsed.metric,
        pointlist: s.points,
        scope,
        expression: `${parsed.aggregator}:${parsed.metric}{${scope}}${parsed.asCount ? ".as_count()" : ""}`,
        tag_set: s.group,
        interval: s.interval_s,
        start: first,
        end: last + s.interval_s * 1000 - 1,
        length: s.points.length,
        aggr: parsed.aggregator,
        unit: null,
        query_index: 0,
        attributes: {},
      };
    }),
  };
}

/** GET /api/v1/metrics */
export function metricsListResponse(from: number, metrics: readonly string[]) {
  return { from: String(from), metrics };
}

/** GET /api/v1/monitor (with group_states=all) */
export function monitorResponse(monitor: MonitorInfo, anchor: number) {
  const created = iso(anchor - 30 * 86_400_000);
  const triggered = monitor.last_triggered !== undefined ? seconds(monitor.last_triggered) : null;
  return {
    id: monitor.id,
    name: monitor.name,
    type: "query alert",
    query: monitor.query ?? `avg(last_5m):avg:system.cpu.user{${monitor.tags.join(",")}} > 90`,
    message: `Notify @oncall about ${monitor.name}`,
    tags: monitor.tags,
    options: { notify_no_data: false, thresholds: { critical: 90 } },
    overall_state: monitor.state,
    overall_state_modified: triggered !== null ? iso(triggered * 1000) : created,
    created,
    modified: created,
    multi: false,
    priority: null,
    deleted: null,
    restricted_roles: null,
    creator: { email: "fake@example.com", handle: "fake@example.com", name: "Fake Datadog" },
    state: {
      groups: {
        [monitor.tags[0] ?? "*"]: {
          name: monitor.tags[0] ?? "*",
          status: monitor.state,
          last_triggered_ts: triggered ?? 0,
          last_notified_ts: triggered ?? 0,
          last_resolved_ts: 0,
          last_nodata_ts: 0,
        },
      },
    },
  };
}

/** One entry of GET /api/v1/events */
export function eventResponse(event: EventInfo) {
  const id = numericId(event.id);
  const alert = event.alert_type ?? (event.type === "alert" ? "error" : "info");
  return {
    id,
    id_str: String(id),
    title: event.title,
    text: event.text ?? "",
    date_happened: seconds(event.time),
    // Deploys are told apart as Datadog's own deployment events are, by their source; the other kinds by a tag.
    tags:
      event.type === "other" || event.type === "deploy" || event.tags.includes(`event_type:${event.type}`)
        ? event.tags
        : [...event.tags, `event_type:${event.type}`],
    alert_type: alert,
    priority: "normal",
    source_type_name: event.type === "deploy" ? "deployment" : "my apps",
    host: null,
    device_name: null,
    url: `/event/event?id=${id}`,
  };
}

const meta = (started: number) => ({
  elapsed: Math.max(1, Date.now() - started),
  request_id: createHash("sha1").update(String(started)).digest("hex").slice(0, 20),
  status: "done",
});

/** POST /api/v2/logs/analytics/aggregate with one count compute (timeseries or total). */
export function logsAggregateResponse(summary: LogSummary, timeseries: boolean, started: number) {
  const value = timeseries
    ? summary.error_counts.filter(([, n]) => n > 0).map(([t, n]) => ({ time: iso(t), value: n }))
    : summary.total_errors;
  return { meta: meta(started), data: { buckets: [{ by: {}, computes: { c0: value } }] } };
}

/** One log of POST /api/v2/logs/events/search */
export function logResponse(id: string, service: string, message: string, time: number) {
  return {
    id,
    type: "log",
    attributes: {
      service,
      status: "error",
      message,
      timestamp: iso(time),
      host: `${service}-1`,
      tags: [`service:${service}`, "source:fake"],
      attributes: { service, status: "error" },
    },
  };
}

export function logsSearchResponse(
  data: unknown[],
  after: string | undefined,
  baseUrl: string,
  started: number,
) {
  return {
    data,
    meta: { ...meta(started), ...(after !== undefined ? { page: { after } } : {}) },
    ...(after !== undefined
      ? { links: { next: `${baseUrl}/api/v2/logs/events?page[cursor]=${after}` } }
      : {}),
  };
}
