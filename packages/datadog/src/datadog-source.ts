import type { client, v1 } from "@datadog/datadog-api-client";
import {
  autoInterval,
  NotFound,
  ScopeViolation,
  UpstreamError,
  type EventInfo,
  type LogSummary,
  type MetricMetadata,
  type MetricQuery,
  type MetricsSource,
  type MonitorInfo,
  type MonitorList,
  type Series,
  type ServiceScope,
  type SourceRead,
  type TimeWindow,
} from "@orch/core";
import {
  errorCounts,
  eventInfo,
  eventInScope,
  intervalText,
  logTimes,
  metricMetadataOf,
  monitorInfo,
  monitorInScope,
  seriesFromQuery,
  topMessages,
} from "./datadog-responses.js";
import { firstSightings } from "./first-sightings.js";
import { createDatadogApis, type DatadogApis } from "./datadog-apis.js";
import { MetricQueryBatcher } from "./metric-query-batch.js";
import { findMonitors, MONITOR_LIMITS } from "./monitor-listing.js";
import type { RequestBudget } from "./redis-token-bucket.js";
import {
  scopedLogSearch,
  scopedMetricName,
  scopedMetricQuery,
  scopedMonitorSearch,
  scopedTagFilter,
  scopedTagList,
} from "./scope-guard.js";
import type { SourceLogger } from "./source-logger.js";
import { callUpstream, type UpstreamPolicy } from "./upstream-call.js";

/** Datadog's shortest look-back for tag data (4 hours). */
const MIN_TAG_WINDOW_S = 14_400;
/** Tags kept of a metric at most: the breakdowns are found among them, the rest would only flood. */
const MAX_TAGS = 1000;

export interface DatadogSourceOptions {
  readonly apiKey: string;
  readonly appKey: string;
  /** Any Datadog site, e.g. "datadoghq.eu" or "us5.datadoghq.com"; default "datadoghq.com". */
  readonly site?: string;
  /** A full base URL that replaces the site's (proxies, gateways, the fake); plain http allowed. */
  readonly apiUrl?: string;
  /**
   * The organisation's name as clients see it (`data_source`, answers, errors). Default: the site,
   * or plain "datadog" when `apiUrl` replaces it (its host may be internal).
   */
  readonly name?: string;
  readonly requestTimeoutMs?: number;
  readonly maxRetries?: number;
  readonly maxMetricsPerRequest?: number;
  /** The shared request budget (a RedisTokenBucket), consulted before every call. */
  readonly budget?: RequestBudget;
  readonly logger?: SourceLogger;
  readonly backoffBaseMs?: number;
  readonly maxRateLimitWaitMs?: number;
  /** Error logs read to find the top messages; default 1000. */
  readonly logSampleSize?: number;
  /** Metric queries sent together in one request at most; default 20 (1 sends each alone). */
  readonly maxQueriesPerRequest?: number;
  /** How long a batch of metric queries waits for more after its first, in ms; default 5. */
  readonly batchLingerMs?: number;
}

/** Query text per request at most: it travels in the URL, which servers and proxies bound (often 8 KiB). */
const MAX_QUERY_CHARS = 4000;

const MONITOR_PAGE_SIZE = MONITOR_LIMITS.pageSize;
const EVENT_PAGE = 1000;
const MAX_EVENT_PAGES = 5;
const seconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * Datadog through the official SDK: metric queries, active metrics, monitors, events and logs
 * of one service. Every query is built from the scope and checked before it leaves; every call
 * is bounded by a timeout, the shared budget and our retry policy (the SDK's is off).
 */
export class DatadogSource implements MetricsSource {
  readonly id: string;
  private readonly policy: UpstreamPolicy;
  private readonly maxSeries: number;
  private readonly logSampleSize: number;
  private readonly batcher: MetricQueryBatcher;
  private clients?: Promise<DatadogApis>;
  /** Metric reads started together leave as one request (see MetricQueryBatcher). */
  readonly batchesMetricQueries = true;

  constructor(private readonly options: DatadogSourceOptions) {
    const site = options.site ?? "datadoghq.com";
    const shown = options.name ?? (options.apiUrl ? undefined : site);
    this.id = shown ? `datadog:${shown}` : "datadog";
    this.policy = {
      site: shown ?? "datadog",
      host: options.apiUrl ? new URL(options.apiUrl).host : site,
      timeoutMs: options.requestTimeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 3,
      secrets: [options.apiKey, options.appKey],
      ...(options.budget ? { budget: options.budget } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.backoffBaseMs !== undefined ? { backoffBaseMs: options.backoffBaseMs } : {}),
      ...(options.maxRateLimitWaitMs !== undefined ? { maxRateLimitWaitMs: options.maxRateLimitWaitMs } : {}),
    };
    this.maxSeries = options.maxMetricsPerRequest ?? 100;
    this.logSampleSize = options.logSampleSize ?? 1000;
    this.batcher = new MetricQueryBatcher(
      (queries, from, to, signal) =>
        this.call(
          "GET /api/v1/query",
          (api, o) => api.metrics.queryMetrics({ from, to, query: queries.join(",") }, o),
          signal,
        ),
      {
        maxQueries: options.maxQueriesPerRequest ?? 20,
        maxChars: MAX_QUERY_CHARS,
        lingerMs: options.batchLingerMs ?? 5,
      },
    );
  }

  /** The SDK's API objects, built on first use (the SDK loads lazily: see datadog-sdk.ts). */
  private apis(): Promise<DatadogApis> {
    const budget = this.options.budget;
    const logger = this.options.logger;
    // Datadog's x-ratelimit-* headers on every answer: a spent endpoint pauses for everyone.
    const observe = budget?.observe
      ? (endpoint: string, headers: Readonly<Record<string, string>>) => {
          budget.observe?.(endpoint, headers).catch((error: unknown) => {
            logger?.warn({ endpoint, err: error }, "could not record Datadog's rate-limit headers");
          });
        }
      : undefined;
    this.clients ??= createDatadogApis(this.options, observe);
    return this.clients;
  }

  /**
   * Loads the SDK. Its first load blocks the event loop for a moment: a cache calls this before
   * taking its single-flight lock, so that the lock's renewal is never starved while it is held.
   */
  async prepare(): Promise<void> {
    await this.apis();
  }

  private async call<T>(
    endpoint: string,
    run: (apis: DatadogApis, options: client.Configuration) => Promise<T>,
    signal: AbortSignal,
  ) {
    const apis = await this.apis();
    return callUpstream(
      endpoint,
      (attemptSignal) => run(apis, apis.configuration(attemptSignal)),
      this.policy,
      signal,
    );
  }

  async discoverMetrics(
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly string[]>> {
    const list = (tagFilter: string) =>
      this.call(
        "GET /api/v1/metrics",
        (api, o) => api.metrics.listActiveMetrics({ from: seconds(window.start), tagFilter }, o),
        signal,
      );
    let { value, calls } = await list(scopedTagFilter(scope));
    if ((value.metrics ?? []).length === 0 && scope.tags.length > 1) {
      // Nothing for the documented AND expression: ask again with the comma list some servers read instead.
      const again = await list(scopedTagList(scope));
      value = again.value;
      calls += again.calls;
    }
    return { value: [...new Set(value.metrics ?? [])].sort(), upstream_calls: calls };
  }

  async queryMetrics(
    query: MetricQuery,
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly Series[]>> {
    const text = scopedMetricQuery(query, scope);
    const from = seconds(window.start);
    const to = seconds(window.end);
    const { value, calls } = await this.batcher.read(text, from, to, signal);
    if (value.status === "error") {
      throw new UpstreamError(
        "upstream_error",
        `Datadog could not run ${text}: ${value.error ?? "unknown error"}`,
        false,
      );
    }
    const fallback = autoInterval((to - from) * 1000);
    return {
      value: seriesFromQuery(value, query.metric, text, this.maxSeries, fallback),
      upstream_calls: calls,
    };
  }

  async metricMetadata(
    metric: string,
    scope: ServiceScope,
    signal: AbortSignal,
  ): Promise<SourceRead<MetricMetadata | null>> {
    const metricName = scopedMetricName(metric, scope);
    try {
      const { value, calls } = await this.call(
        "GET /api/v1/metrics/{metric_name}",
        (api, o) => api.metrics.getMetricMetadata({ metricName }, o),
        signal,
      );
      return { value: metricMetadataOf(value), upstream_calls: calls };
    } catch (error) {
      // Datadog answers 404 "metric_name not found" for a metric it has no metadata for: an answer, not a failure.
      if (error instanceof UpstreamError && error.details.status === 404)
        return { value: null, upstream_calls: 1 };
      throw error;
    }
  }

  async metricTags(
    metric: string,
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly string[]>> {
    const metricName = scopedMetricName(metric, scope);
    // Only the tags of the service's own points: filter[tags] is the scope's tag list.
    const filterTags = scopedTagList(scope);
    // Datadog looks back at least 4 hours for tag data.
    const windowSeconds = Math.max(MIN_TAG_WINDOW_S, Math.ceil((window.end - window.start) / 1000));
    try {
      const { value, calls } = await this.call(
        "GET /api/v2/metrics/{metric_name}/all-tags",
        (api, o) =>
          api.metricsV2.listTagsByMetricName(
            { metricName, filterTags, windowSeconds, pageLimit: MAX_TAGS },
            o,
          ),
        signal,
      );
      const tags = value.data?.attributes?.tags ?? [];
      return { value: [...new Set(tags)].slice(0, MAX_TAGS).sort(), upstream_calls: calls };
    } catch (error) {
      // A metric with no points in the scope has no tags: an answer, not a failure.
      if (error instanceof UpstreamError && error.details.status === 404)
        return { value: [], upstream_calls: 1 };
      throw error;
    }
  }

  async monitors(scope: ServiceScope, signal: AbortSignal): Promise<SourceRead<MonitorList>> {
    // One search finds them by their tags or by their query's scope: one request, not a listing of each.
    const query = scopedMonitorSearch(scope);
    return await findMonitors(async (page: number) => {
      const { value, calls } = await this.call(
        "GET /api/v1/monitor/search",
        (api, o) => api.monitors.searchMonitors({ query, page, perPage: MONITOR_PAGE_SIZE }, o),
        signal,
      );
      return { value: value.monitors ?? [], calls };
    }, scope);
  }

  async monitor(id: number, scope: ServiceScope, signal: AbortSignal): Promise<SourceRead<MonitorInfo>> {
    scopedTagList(scope);
    let read: { value: v1.Monitor; calls: number };
    try {
      read = await this.call(
        "GET /api/v1/monitor/{monitor_id}",
        (api, o) => api.monitors.getMonitor({ monitorId: id, groupStates: "all" }, o),
        signal,
      );
    } catch (error) {
      if (error instanceof UpstreamError && error.details.status === 404) {
        throw new NotFound(`Datadog has no monitor ${id} (or these keys cannot read it)`);
      }
      throw error;
    }
    const monitor = read.value;
    if (!monitorInScope(monitor.tags ?? [], monitor.query ?? "", scope)) {
      throw new ScopeViolation(
        `monitor ${id} "${monitor.name ?? ""}" belongs to another service than ${scope.service_id} ` +
          `(its tags or query name another ${scope.tags.map((t) => t.split(":")[0]).join("/")}); ask about its own service instead`,
      );
    }
    return { value: monitorInfo(monitor), upstream_calls: read.calls };
  }

  async events(
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly EventInfo[]>> {
    const tags = scopedTagList(scope);
    const found: v1.Event[] = [];
    const seen = new Set<string>();
    let upstream = 0;
    for (let page = 0; page < MAX_EVENT_PAGES; page++) {
      const { value, calls } = await this.call(
        "GET /api/v1/events",
        (api, o) =>
          api.events.listEvents(
            { start: seconds(window.start), end: seconds(window.end), tags, unaggregated: true, page },
            o,
          ),
        signal,
      );
      upstream += calls;
      const events = value.events ?? [];
      const fresh = firstSightings(
        events,
        seen,
        (e) => e.idStr ?? e.id ?? `${e.title ?? ""}|${e.dateHappened ?? ""}`,
      );
      found.push(...fresh);
      if (events.length < EVENT_PAGE || fresh.length === 0) break;
    }
    const events = found
      .filter((e) => eventInScope(e.tags ?? [], scope))
      .map(eventInfo)
      .sort((a, b) => a.time - b.time);
    return { value: events, upstream_calls: upstream };
  }

  async logs(
    scope: ServiceScope,
    window: TimeWindow,
    filter: string,
    signal: AbortSignal,
  ): Promise<SourceRead<LogSummary>> {
    const query = scopedLogSearch(scope, filter);
    const start = seconds(window.start) * 1000;
    const end = seconds(window.end) * 1000;
    const bucketS = autoInterval(end - start);
    const range = { from: String(start), to: String(end), query };
    const sample = await this.call(
      "POST /api/v2/logs/events/search",
      (api, o) =>
        api.logs.listLogs(
          { body: { filter: range, sort: "-timestamp", page: { limit: this.logSampleSize } } },
          o,
        ),
      signal,
    );
    const logs = sample.value.data ?? [];
    const times = logTimes(logs);
    // A sample that holds every error log of the window is its own count; only a larger volume
    // needs the aggregate (one request fewer for most services).
    const complete = !sample.value.meta?.page?.after && logs.length < this.logSampleSize;
    const aggregate = complete
      ? { value: {}, calls: 0 }
      : await this.call(
          "POST /api/v2/logs/analytics/aggregate",
          (api, o) =>
            api.logs.aggregateLogs(
              {
                body: {
                  compute: [{ aggregation: "count", type: "timeseries", interval: intervalText(bucketS) }],
                  filter: range,
                },
              },
              o,
            ),
          signal,
        );
    const counts = errorCounts(aggregate.value, start, end, bucketS * 1000, times);
    const total = counts.reduce((a, [, n]) => a + n, 0);
    return {
      value: { error_counts: counts, total_errors: total, top_messages: topMessages(logs, total) },
      upstream_calls: aggregate.calls + sample.calls,
    };
  }
}
