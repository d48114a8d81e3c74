import {
  autoInterval,
  generateLogs,
  parseDuration,
  scenarioEvents,
  scenarioMetricNames,
  scenarioMetricTags,
  type Scenario,
} from "@orch/core";
import { parseMetricQuery, splitQueries, tagValue, type ParsedMetricQuery } from "./metric-query.js";
import { monitorByIdRoute } from "./monitor-by-id.js";
import { listMonitors, searchMonitors, splitTags } from "./monitor-routes.js";
import { scenarioLogs } from "./scenario-logs.js";
import { scenarioSeriesForQuery } from "./scenario-series.js";
import {
  cursorAfter,
  eventResponse,
  logCursor,
  logId,
  logResponse,
  logsAggregateResponse,
  logsSearchResponse,
  metricAllTagsResponse,
  metricMetadataResponse,
  metricsListResponse,
  queryResponse,
} from "./wire-format.js";

/** A request as the routes see it. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface RouteContext {
  readonly scenarioFor: (service: string | undefined) => Scenario | undefined;
  /**
   * The scenario whose service reports `metric`, for the organisation-wide metadata endpoint:
   * among the services the fake was asked about, the most recent first.
   */
  readonly scenarioWithMetric: (metric: string) => Scenario | undefined;
  readonly anchor: number;
  readonly now: number;
  readonly baseUrl: string;
  readonly started: number;
  /** The service each monitor id belongs to, for GET /api/v1/monitor/{id}. */
  readonly monitorServices?: Readonly<Record<number, string>>;
}

export interface RouteResult {
  readonly status: number;
  readonly body: unknown;
}

const badRequest = (message: string): RouteResult => ({ status: 400, body: { errors: [message] } });
const ok = (body: unknown): RouteResult => ({ status: 200, body });

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Datadog log times: epoch ms, ISO 8601, or date math ("now", "now-15m"). */
function logTime(value: unknown, now: number): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value !== "string") return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const math = /^now(?:-(.+))?$/.exec(value);
  if (math) return now - (math[1] ? (parseDuration(math[1]) ?? 0) : 0);
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** "60s", "5m", "1h" or a number of ms; Datadog's default is about 150 buckets. */
function bucketMs(interval: unknown, from: number, to: number): number {
  if (typeof interval === "string" && interval.length > 0) {
    if (/^\d+$/.test(interval)) return Number(interval);
    const ms = parseDuration(interval);
    if (ms) return ms;
  }
  return autoInterval(to - from) * 1000;
}

const searchService = (query: string): string | undefined =>
  tagValue(
    query.split(/\s+/).filter((t) => t.startsWith("service:")),
    "service",
  );

function metricsQuery(req: FakeRequest, ctx: RouteContext): RouteResult {
  const from = Number(req.query.from);
  const to = Number(req.query.to);
  const text = req.query.query ?? "";
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from)
    return badRequest("Invalid from/to parameters");
  // Several queries in one request, comma-separated: one bad query fails the request, as on Datadog.
  const queries: Array<{ text: string; parsed: ParsedMetricQuery }> = [];
  for (const one of splitQueries(text)) {
    const parsed = parseMetricQuery(one);
    if (!parsed) return badRequest(`Error parsing query: unable to parse ${one}`);
    queries.push({ text: one, parsed });
  }
  return ok(
    queryResponse(
      text,
      queries.map(({ parsed }) => {
        const scenario = ctx.scenarioFor(tagValue(parsed.tags, "service"));
        const series = scenario
          ? scenarioSeriesForQuery(scenario, parsed, ctx.anchor, from * 1000, to * 1000)
          : [];
        return { parsed, series };
      }),
      from * 1000,
      to * 1000,
    ),
  );
}

function metricsList(req: FakeRequest, ctx: RouteContext): RouteResult {
  const from = Number(req.query.from);
  if (!Number.isFinite(from)) return badRequest("Invalid from parameter");
  const scenario = ctx.scenarioFor(tagValue(splitTags(req.query.tag_filter), "service"));
  return ok(metricsListResponse(from, scenario ? scenarioMetricNames(scenario) : []));
}

/**
 * GET /api/v1/metrics/{metric_name}: the metadata the scenario gives the metric (its
 * metric_type, unit, per_unit), all null when it gives no metric_type, and Datadog's 404 for a
 * metric no scenario reports.
 */
function metricMetadata(metric: string, ctx: RouteContext): RouteResult {
  const scenario = ctx.scenarioWithMetric(metric);
  if (!scenario) return { status: 404, body: { errors: ["metric_name not found"] } };
  const series = scenario.series.find((s) => s.metric === metric && s.metric_type !== undefined);
  return ok(
    metricMetadataResponse(
      series
        ? {
            ...(series.metric_type ? { type: series.metric_type } : {}),
            ...(series.unit ? { unit: series.unit } : {}),
            ...(series.per_unit ? { per_unit: series.per_unit } : {}),
          }
        : undefined,
    ),
  );
}

/**
 * GET /api/v2/metrics/{metric_name}/all-tags: the tags of the metric's series in the scenario of
 * the service `filter[tags]` names (or, without a filter, of the service that reports it), and
 * Datadog's 404 for a metric it does not know.
 */
function metricAllTags(metric: string, req: FakeRequest, ctx: RouteContext): RouteResult {
  const filter = splitTags(req.query["filter[tags]"]);
  const service = tagValue(filter, "service");
  const scenario = service !== undefined ? ctx.scenarioFor(service) : ctx.scenarioWithMetric(metric);
  const tags = scenario ? scenarioMetricTags(scenario, metric) : [];
  const env = tagValue(filter, "env");
  if (tags.length === 0 || (env !== undefined && !tags.includes(`env:${env}`) && scenario?.env !== undefined))
    return { status: 404, body: { errors: [`metric ${metric} not found`] } };
  return ok(metricAllTagsResponse(metric, tags));
}

function events(req: FakeRequest, ctx: RouteContext): RouteResult {
  const start = Number(req.query.start);
  const end = Number(req.query.end);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return badRequest("Invalid start/end parameters");
  const scenario = ctx.scenarioFor(tagValue(splitTags(req.query.tags), "service"));
  const list = scenario ? scenarioEvents(scenario, ctx.anchor, start * 1000, end * 1000) : [];
  const page = Number(req.query.page ?? 0) || 0;
  const newestFirst = [...list].sort((a, b) => b.time - a.time).slice(page * 1000, (page + 1) * 1000);
  return ok({ events: newestFirst.map(eventResponse) });
}

function logsWindow(body: Record<string, unknown>, ctx: RouteContext) {
  const filter = record(body.filter);
  const now = ctx.now;
  const from = logTime(filter.from ?? "now-15m", now);
  const to = logTime(filter.to ?? "now", now);
  const query = typeof filter.query === "string" ? filter.query : "*";
  return { from, to, query };
}

function logsAggregate(req: FakeRequest, ctx: RouteContext): RouteResult {
  const body = record(req.body);
  const { from, to, query } = logsWindow(body, ctx);
  if (from === undefined || to === undefined || to <= from) return badRequest("Invalid time range");
  const computes = Array.isArray(body.compute) ? body.compute.map(record) : [{ aggregation: "count" }];
  const compute = computes[0] ?? {};
  if (compute.aggregation !== "count") return badRequest("Only count aggregation is supported by the fake");
  const timeseries = compute.type === "timeseries";
  const bucket = bucketMs(compute.interval, from, to);
  const scenario = ctx.scenarioFor(searchService(query));
  const summary = scenario
    ? generateLogs(scenario, ctx.anchor, from, to, bucket)
    : { error_counts: [], total_errors: 0, top_messages: [] };
  return ok(logsAggregateResponse(summary, timeseries, ctx.started));
}

function logsSearch(req: FakeRequest, ctx: RouteContext): RouteResult {
  const body = record(req.body);
  const { from, to, query } = logsWindow(body, ctx);
  if (from === undefined || to === undefined || to <= from) return badRequest("Invalid time range");
  const page = record(body.page);
  const limit = Math.min(5000, typeof page.limit === "number" ? page.limit : 10);
  const service = searchService(query);
  const scenario = ctx.scenarioFor(service);
  const bucket = autoInterval(to - from) * 1000;
  const logs = scenario ? scenarioLogs(generateLogs(scenario, ctx.anchor, from, to, bucket), bucket) : [];
  const ordered = (body.sort === "timestamp" ? [...logs].reverse() : logs).map((l, i) => ({
    ...l,
    id: logId(`${service ?? "unknown"}:${l.time}:${i}`),
  }));
  // The cursor is opaque: it names the last log of the previous page, as Datadog's does.
  let offset = 0;
  if (typeof page.cursor === "string") {
    const after = cursorAfter(page.cursor);
    const at = ordered.findIndex((l) => l.id === after);
    if (at < 0) return badRequest("Invalid page[cursor]");
    offset = at + 1;
  }
  const slice = ordered.slice(offset, offset + limit);
  const last = slice[slice.length - 1];
  const after = last && offset + limit < ordered.length ? logCursor(last.id) : undefined;
  const data = slice.map((l) => logResponse(l.id, service ?? "unknown", l.message, l.time));
  return ok(logsSearchResponse(data, after, ctx.baseUrl));
}

const METRIC_METADATA = /^\/api\/v1\/metrics\/([^/]+)$/;
const METRIC_ALL_TAGS = /^\/api\/v2\/metrics\/([^/]+)\/all-tags$/;

/** Routes a request to the endpoint it names; 404 in Datadog's error shape otherwise. */
export function routeFakeRequest(req: FakeRequest, ctx: RouteContext): RouteResult {
  const byId = monitorByIdRoute(req, ctx);
  if (byId) return byId;
  const route = `${req.method} ${req.path}`;
  switch (route) {
    case "GET /api/v1/validate":
      return ok({ valid: true });
    case "GET /api/v1/query":
      return metricsQuery(req, ctx);
    case "GET /api/v1/metrics":
      return metricsList(req, ctx);
    case "GET /api/v1/monitor":
      return ok(listMonitors(req.query, ctx.scenarioFor, ctx.anchor));
    case "GET /api/v1/monitor/search":
      return searchMonitors(req.query, ctx.scenarioFor, ctx.anchor);
    case "GET /api/v1/events":
      return events(req, ctx);
    case "POST /api/v2/logs/analytics/aggregate":
      return logsAggregate(req, ctx);
    case "POST /api/v2/logs/events/search":
      return logsSearch(req, ctx);
  }
  const allTags = req.method === "GET" ? METRIC_ALL_TAGS.exec(req.path) : null;
  if (allTags) return metricAllTags(decodeURIComponent(allTags[1] ?? ""), req, ctx);
  const metadata = req.method === "GET" ? METRIC_METADATA.exec(req.path) : null;
  if (metadata) return metricMetadata(decodeURIComponent(metadata[1] ?? ""), ctx);
  return { status: 404, body: { errors: ["Not found"] } };
}
