import {
  autoInterval,
  generateLogs,
  parseDuration,
  scenarioEvents,
  scenarioMetricNames,
  scenarioMonitors,
  type Scenario,
} from "@orch/core";
import { parseMetricQuery, tagValue } from "./metric-query.js";
import { monitorByIdRoute } from "./monitor-by-id.js";
import { scenarioLogs } from "./scenario-logs.js";
import { scenarioSeriesForQuery } from "./scenario-series.js";
import {
  eventResponse,
  logResponse,
  logsAggregateResponse,
  logsSearchResponse,
  metricsListResponse,
  monitorResponse,
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

/** A tag list: comma-separated, or a tag expression joined with AND (GET /api/v1/metrics's tag_filter). */
const splitTags = (text: string | undefined): string[] =>
  (text ?? "")
    .split(/,|\s+AND\s+/i)
    .map((t) => t.trim())
    .filter(Boolean);

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
  const parsed = parseMetricQuery(text);
  if (!parsed) return badRequest(`Error parsing query: unable to parse ${text}`);
  const scenario = ctx.scenarioFor(tagValue(parsed.tags, "service"));
  const series = scenario ? scenarioSeriesForQuery(scenario, parsed, ctx.anchor, from * 1000, to * 1000) : [];
  return ok(queryResponse(text, parsed, series, from * 1000, to * 1000));
}

function metricsList(req: FakeRequest, ctx: RouteContext): RouteResult {
  const from = Number(req.query.from);
  if (!Number.isFinite(from)) return badRequest("Invalid from parameter");
  const scenario = ctx.scenarioFor(tagValue(splitTags(req.query.tag_filter), "service"));
  return ok(metricsListResponse(from, scenario ? scenarioMetricNames(scenario) : []));
}

function monitors(req: FakeRequest, ctx: RouteContext): RouteResult {
  const wanted = splitTags(req.query.monitor_tags);
  const scenario = ctx.scenarioFor(tagValue(wanted, "service"));
  const all = scenario ? scenarioMonitors(scenario, ctx.anchor) : [];
  // A monitor matches when it carries no contradicting value for any requested tag key.
  const matching = all.filter((m) =>
    wanted.every((tag) => {
      const key = tag.split(":")[0] ?? "";
      const sameKey = m.tags.filter((t) => t.startsWith(`${key}:`));
      return sameKey.length === 0 || sameKey.includes(tag);
    }),
  );
  const size = Math.min(1000, Number(req.query.page_size ?? 100) || 100);
  const page = Number(req.query.page ?? 0) || 0;
  const slice = req.query.page !== undefined ? matching.slice(page * size, (page + 1) * size) : matching;
  return ok(slice.map((m) => monitorResponse(m, ctx.anchor)));
}

function events(req: FakeRequest, ctx: RouteContext): RouteResult {
  const start = Number(req.query.start);
  const end = Number(req.query.end);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return badRequest("Invalid start/end parameters");
  const scenario = ctx.scenarioFor(tagValue(splitTags(req.query.tags), "service"));
  const list = scenario ? scenarioEvents(scenario, ctx.anchor, start * 1000, end * 1000) : [];
  const page = Number(req.query.page ?? 0) || 0;
  const newestFirst = [...list].sort((a, b) => b.time - a.time).slice(page * 1000, (page + 1) * 1000);
  return ok({ events: newestFirst.map(eventResponse), status: "ok" });
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
  const offset = typeof page.cursor === "string" ? Number(page.cursor) || 0 : 0;
  const service = searchService(query);
  const scenario = ctx.scenarioFor(service);
  const bucket = autoInterval(to - from) * 1000;
  const logs = scenario ? scenarioLogs(generateLogs(scenario, ctx.anchor, from, to, bucket), bucket) : [];
  const ordered = body.sort === "timestamp" ? [...logs].reverse() : logs;
  const slice = ordered.slice(offset, offset + limit);
  const after = offset + limit < ordered.length ? String(offset + limit) : undefined;
  const data = slice.map((l, i) =>
    logResponse(`AQAAAF${offset + i}`, service ?? "unknown", l.message, l.time),
  );
  return ok(logsSearchResponse(data, after, ctx.baseUrl, ctx.started));
}

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
      return monitors(req, ctx);
    case "GET /api/v1/events":
      return events(req, ctx);
    case "POST /api/v2/logs/analytics/aggregate":
      return logsAggregate(req, ctx);
    case "POST /api/v2/logs/events/search":
      return logsSearch(req, ctx);
    default:
      return { status: 404, body: { errors: ["Not found"] } };
  }
}
