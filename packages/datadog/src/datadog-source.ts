import { client, v1, v2 } from "@datadog/datadog-api-client";
import {
  autoInterval,
  UpstreamError,
  type EventInfo,
  type LogSummary,
  type MetricQuery,
  type MetricsSource,
  type MonitorInfo,
  type Series,
  type ServiceScope,
  type SourceRead,
  type TimeWindow,
} from "@orch/core";
import {
  errorCounts,
  eventInfo,
  intervalText,
  monitorInfo,
  seriesFromQuery,
  taggedInScope,
  topMessages,
} from "./datadog-responses.js";
import { FetchHttpLibrary } from "./fetch-http-library.js";
import type { RequestBudget } from "./redis-token-bucket.js";
import { scopedLogSearch, scopedMetricQuery, scopedTagList } from "./scope-guard.js";
import type { SourceLogger } from "./source-logger.js";
import { callUpstream, type UpstreamPolicy } from "./upstream-call.js";

export interface DatadogSourceOptions {
  readonly apiKey: string;
  readonly appKey: string;
  /** Any Datadog site, e.g. "datadoghq.eu" or "us5.datadoghq.com"; default "datadoghq.com". */
  readonly site?: string;
  /** A full base URL that replaces the site's (proxies, gateways, the fake); plain http allowed. */
  readonly apiUrl?: string;
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
}

const MONITOR_PAGE = 100;
const MAX_MONITOR_PAGES = 10;
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
  private readonly baseServer: client.BaseServerConfiguration;
  private readonly http = new FetchHttpLibrary();
  private readonly policy: UpstreamPolicy;
  private readonly metricsApi: v1.MetricsApi;
  private readonly monitorsApi: v1.MonitorsApi;
  private readonly eventsApi: v1.EventsApi;
  private readonly logsApi: v2.LogsApi;
  private readonly maxSeries: number;
  private readonly logSampleSize: number;

  constructor(private readonly options: DatadogSourceOptions) {
    const site = options.site ?? "datadoghq.com";
    const where = options.apiUrl ? new URL(options.apiUrl).host : site;
    this.id = `datadog:${where}`;
    this.baseServer = options.apiUrl
      ? new client.ServerConfiguration(options.apiUrl.replace(/\/+$/, ""), {})
      : new client.ServerConfiguration("https://{subdomain}.{site}", { site, subdomain: "api" });
    this.policy = {
      site: where,
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
    const configuration = this.configuration();
    this.metricsApi = new v1.MetricsApi(configuration);
    this.monitorsApi = new v1.MonitorsApi(configuration);
    this.eventsApi = new v1.EventsApi(configuration);
    this.logsApi = new v2.LogsApi(configuration);
  }

  /** A configuration per call: the SDK reads the AbortSignal from it, not from the call. */
  private configuration(signal?: AbortSignal): client.Configuration {
    return client.createConfiguration({
      baseServer: this.baseServer,
      authMethods: { apiKeyAuth: this.options.apiKey, appKeyAuth: this.options.appKey },
      httpApi: this.http,
      httpConfig: { compress: false, ...(signal ? { signal } : {}) },
      enableRetry: false,
    });
  }

  private call<T>(endpoint: string, run: (options: client.Configuration) => Promise<T>, signal: AbortSignal) {
    return callUpstream(
      endpoint,
      (attemptSignal) => run(this.configuration(attemptSignal)),
      this.policy,
      signal,
    );
  }

  async discoverMetrics(
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly string[]>> {
    const tagFilter = scopedTagList(scope);
    const { value, calls } = await this.call(
      "GET /api/v1/metrics",
      (o) => this.metricsApi.listActiveMetrics({ from: seconds(window.start), tagFilter }, o),
      signal,
    );
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
    const { value, calls } = await this.call(
      "GET /api/v1/query",
      (o) => this.metricsApi.queryMetrics({ from, to, query: text }, o),
      signal,
    );
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

  async monitors(scope: ServiceScope, signal: AbortSignal): Promise<SourceRead<readonly MonitorInfo[]>> {
    const monitorTags = scopedTagList(scope);
    const found: v1.Monitor[] = [];
    let upstream = 0;
    for (let page = 0; page < MAX_MONITOR_PAGES; page++) {
      const { value, calls } = await this.call(
        "GET /api/v1/monitor",
        (o) =>
          this.monitorsApi.listMonitors({ monitorTags, groupStates: "all", page, pageSize: MONITOR_PAGE }, o),
        signal,
      );
      upstream += calls;
      found.push(...value);
      if (value.length < MONITOR_PAGE) break;
    }
    const monitors = found
      .filter((m) => taggedInScope(m.tags ?? [], scope))
      .map(monitorInfo)
      .sort((a, b) => a.id - b.id);
    return { value: monitors, upstream_calls: upstream };
  }

  async events(
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly EventInfo[]>> {
    const tags = scopedTagList(scope);
    const found: v1.Event[] = [];
    let upstream = 0;
    for (let page = 0; page < MAX_EVENT_PAGES; page++) {
      const { value, calls } = await this.call(
        "GET /api/v1/events",
        (o) =>
          this.eventsApi.listEvents(
            { start: seconds(window.start), end: seconds(window.end), tags, unaggregated: true, page },
            o,
          ),
        signal,
      );
      upstream += calls;
      const events = value.events ?? [];
      found.push(...events);
      if (events.length < EVENT_PAGE) break;
    }
    const events = found
      .filter((e) => taggedInScope(e.tags ?? [], scope))
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
    // Both reads run together; if one fails the other is abandoned.
    const sibling = new AbortController();
    const both = AbortSignal.any([signal, sibling.signal]);
    try {
      const [aggregate, sample] = await Promise.all([
        this.call(
          "POST /api/v2/logs/analytics/aggregate",
          (o) =>
            this.logsApi.aggregateLogs(
              {
                body: {
                  compute: [{ aggregation: "count", type: "timeseries", interval: intervalText(bucketS) }],
                  filter: range,
                },
              },
              o,
            ),
          both,
        ),
        this.call(
          "POST /api/v2/logs/events/search",
          (o) =>
            this.logsApi.listLogs(
              { body: { filter: range, sort: "-timestamp", page: { limit: this.logSampleSize } } },
              o,
            ),
          both,
        ),
      ]);
      const counts = errorCounts(aggregate.value, start, end, bucketS * 1000);
      const total = counts.reduce((a, [, n]) => a + n, 0);
      return {
        value: {
          error_counts: counts,
          total_errors: total,
          top_messages: topMessages(sample.value.data ?? [], total),
        },
        upstream_calls: aggregate.calls + sample.calls,
      };
    } catch (error) {
      sibling.abort();
      throw error;
    }
  }
}
