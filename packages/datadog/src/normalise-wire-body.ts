/**
 * Raw Datadog JSON, reduced to the fields we read and coerced to the types the SDK's models
 * declare, before the SDK deserialises it. The SDK is strict: one monitor without its
 * (required) `query`, a numeric string where a number is declared, or a timestamp as a number
 * where an ISO string is declared makes it throw for the whole body or silently hand back an
 * unparsed object. Real servers, gateways and other implementations of the API vary in exactly
 * these ways, so each record is normalised on its own and a broken one never sinks the others.
 */

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A finite number, also from a numeric string. */
function num(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

const str = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;

const strings = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === "string")
    : typeof value === "string"
      ? value
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean)
      : [];

/** Epoch milliseconds from epoch seconds or milliseconds (number or digits), or an ISO 8601 string. */
export function epochMs(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  const n = num(value);
  // 1e11 ms is 1973; 1e11 s is the year 5138: below it a number is seconds.
  if (n !== undefined) return Math.abs(n) < 1e11 ? n * 1000 : n;
  if (typeof value !== "string") return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

const isoOf = (value: unknown): string | undefined => {
  const ms = epochMs(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
};

/** Copies the entries whose value is not undefined. */
function defined(entries: Record<string, unknown>): Json {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

const MONITOR_STATES = ["Alert", "Ignored", "No Data", "OK", "Skipped", "Unknown", "Warn"];

/** A monitor state in Datadog's spelling ("Alert", "No Data"), whatever the case or separator sent. */
function monitorState(value: unknown): string | undefined {
  const text = str(value);
  if (text === undefined) return undefined;
  const key = text.toLowerCase().replace(/[\s_-]+/g, "");
  if (key === "warning") return "Warn";
  return MONITOR_STATES.find((s) => s.toLowerCase().replace(/\s+/g, "") === key) ?? text;
}

function monitor(raw: unknown): Json[] {
  if (!isRecord(raw)) return [];
  const groups = isRecord(raw.state) && isRecord(raw.state.groups) ? raw.state.groups : undefined;
  return [
    defined({
      id: num(raw.id),
      name: str(raw.name) ?? "",
      // Both are required by the SDK's model; a monitor without them is still a monitor.
      query: str(raw.query) ?? "",
      type: str(raw.type) ?? "query alert",
      tags: strings(raw.tags),
      overall_state: monitorState(raw.overall_state),
      overall_state_modified: isoOf(raw.overall_state_modified),
      state: groups
        ? {
            groups: Object.fromEntries(
              Object.entries(groups).flatMap(([name, g]) =>
                isRecord(g)
                  ? [
                      [
                        name,
                        defined({
                          name: str(g.name) ?? name,
                          status: monitorState(g.status),
                          last_triggered_ts: num(g.last_triggered_ts),
                        }),
                      ],
                    ]
                  : [],
              ),
            ),
          }
        : undefined,
    }),
  ];
}

/** One result of the monitor search: its `status`, top-level `last_triggered_ts`, no groups. */
function monitorSearchResult(raw: unknown): Json[] {
  if (!isRecord(raw)) return [];
  return [
    defined({
      id: num(raw.id),
      name: str(raw.name) ?? "",
      query: str(raw.query),
      type: str(raw.type),
      tags: strings(raw.tags),
      status: monitorState(raw.status),
      last_triggered_ts: num(raw.last_triggered_ts),
      overall_state_modified: isoOf(raw.overall_state_modified),
    }),
  ];
}

function event(raw: unknown): Json[] {
  if (!isRecord(raw)) return [];
  const happened = epochMs(raw.date_happened);
  return [
    defined({
      id: num(raw.id),
      id_str: str(raw.id_str) ?? str(raw.id),
      title: str(raw.title) ?? "",
      text: str(raw.text),
      date_happened: happened !== undefined ? Math.floor(happened / 1000) : undefined,
      tags: strings(raw.tags),
      alert_type: str(raw.alert_type),
      source_type_name: str(raw.source_type_name) ?? str(raw.source),
    }),
  ];
}

/** A logs aggregate value: a number (a total), or timeseries points with ISO times. */
function computeValue(value: unknown): unknown {
  const total = num(value);
  if (total !== undefined) return total;
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((point) => {
    if (!isRecord(point)) return [];
    const time = isoOf(point.time);
    const count = num(point.value);
    return time !== undefined && count !== undefined ? [{ time, value: count }] : [];
  });
}

function aggregateBucket(raw: unknown): Json[] {
  if (!isRecord(raw) || !isRecord(raw.computes)) return [];
  const computes = Object.fromEntries(
    Object.entries(raw.computes).flatMap(([key, value]) => {
      const v = computeValue(value);
      return v === undefined ? [] : [[key, v]];
    }),
  );
  return [{ by: {}, computes }];
}

function logEntry(raw: unknown): Json[] {
  if (!isRecord(raw)) return [];
  const attributes = isRecord(raw.attributes) ? raw.attributes : {};
  return [
    defined({
      id: str(raw.id),
      type: "log",
      attributes: defined({
        message: str(attributes.message) ?? "",
        timestamp: isoOf(attributes.timestamp),
        service: str(attributes.service),
        status: str(attributes.status),
      }),
    }),
  ];
}

/** One unit of a series' `unit` pair: Datadog's unit object, or null (no unit, no per-unit). */
function seriesUnit(raw: unknown): Json | null {
  if (!isRecord(raw) || str(raw.name) === undefined) return null;
  return defined({
    family: str(raw.family),
    name: str(raw.name),
    plural: str(raw.plural),
    scale_factor: num(raw.scale_factor),
    short_name: str(raw.short_name),
  });
}

function seriesEntry(raw: unknown): Json[] {
  if (!isRecord(raw)) return [];
  const points = Array.isArray(raw.pointlist) ? raw.pointlist : [];
  // `[unit, per_unit]`, either null; `unit: null` when Datadog knows no unit for the metric.
  const unit = Array.isArray(raw.unit) ? raw.unit.slice(0, 2).map(seriesUnit) : undefined;
  return [
    defined({
      metric: str(raw.metric),
      display_name: str(raw.display_name),
      scope: str(raw.scope),
      expression: str(raw.expression),
      aggr: str(raw.aggr),
      tag_set: strings(raw.tag_set),
      interval: num(raw.interval),
      // Which query of a comma-separated request the series answers.
      query_index: num(raw.query_index),
      unit: unit?.some((u) => u !== null) ? unit : undefined,
      pointlist: points.flatMap((p) => {
        if (!Array.isArray(p)) return [];
        const t = epochMs(p[0]);
        return t === undefined ? [] : [[t, num(p[1]) ?? null]];
      }),
    }),
  ];
}

/** GET /api/v1/metrics/{metric_name}: the fields Datadog sets, none of its nulls. */
function metricMetadata(raw: unknown): Json {
  if (!isRecord(raw)) return {};
  return defined({
    type: str(raw.type),
    unit: str(raw.unit),
    per_unit: str(raw.per_unit),
    description: str(raw.description),
    integration: str(raw.integration),
    short_name: str(raw.short_name),
    statsd_interval: num(raw.statsd_interval),
  });
}

/** The list of a body that should be an array, or an object holding it under `key`. */
const listOf = (body: unknown, key: string): unknown[] =>
  Array.isArray(body) ? body : isRecord(body) && Array.isArray(body[key]) ? body[key] : [];

/**
 * The body of a 2xx answer to `endpoint` ("GET /api/v1/monitor/search", a gateway's path prefix
 * allowed), normalised for the SDK; bodies of other endpoints are returned as they are.
 */
export function normaliseWireBody(endpoint: string, body: unknown): unknown {
  const [method = "", path = ""] = endpoint.split(" ");
  const is = (m: string, p: string) => method === m && path.replace(/\/+$/, "").endsWith(p);
  if (method === "GET" && /\/api\/v1\/monitor\/\d+\/?$/.test(path)) return monitor(body)[0] ?? body;
  if (is("GET", "/api/v1/monitor/search")) {
    return { monitors: listOf(body, "monitors").flatMap(monitorSearchResult) };
  }
  if (is("GET", "/api/v1/events")) {
    return { status: "ok", events: listOf(body, "events").flatMap(event) };
  }
  if (method === "GET" && /\/api\/v1\/metrics\/[^/]+\/?$/.test(path)) return metricMetadata(body);
  if (is("GET", "/api/v1/metrics")) {
    const record = isRecord(body) ? body : {};
    return defined({ from: str(record.from), metrics: strings(record.metrics ?? body) });
  }
  if (is("GET", "/api/v1/query")) {
    if (!isRecord(body)) return { status: "ok", series: [] };
    return defined({
      status: str(body.status) ?? "ok",
      error: str(body.error),
      query: str(body.query),
      series: listOf(body.series, "series").flatMap(seriesEntry),
    });
  }
  if (is("POST", "/api/v2/logs/analytics/aggregate")) {
    const data = isRecord(body) && isRecord(body.data) ? body.data : {};
    const buckets = listOf(data.buckets, "buckets");
    return { data: { buckets: buckets.flatMap(aggregateBucket) } };
  }
  if (is("POST", "/api/v2/logs/events/search")) {
    // The next page's cursor says whether the sample holds every log of the window.
    const meta = isRecord(body) && isRecord(body.meta) ? body.meta : {};
    const after = isRecord(meta.page) ? str(meta.page.after) : undefined;
    return defined({
      data: listOf(isRecord(body) ? body.data : body, "data").flatMap(logEntry),
      meta: after ? { page: { after } } : undefined,
    });
  }
  return body;
}
