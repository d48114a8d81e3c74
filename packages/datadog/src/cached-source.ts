import type { RedisClient } from "@orch/queue";
import type {
  EventInfo,
  LogSummary,
  MetricMetadata,
  MetricQuery,
  MetricsSource,
  MonitorInfo,
  MonitorList,
  Series,
  ServiceScope,
  SourceRead,
  TimeWindow,
} from "@orch/core";
import { alignWindow, cacheKey, ttlFor, type CacheTtls } from "./cache-key.js";
import { RedisSingleFlight, type Prepare, type Produce } from "./redis-single-flight.js";
import { scopedLogSearch, scopedMetricName, scopedMetricQuery, scopedTagList } from "./scope-guard.js";

/** A metric's metadata (and its absence) changes rarely: a day in the cache. */
const METADATA_TTL_SECONDS = 86_400;

/** A metric's tags within a service: an hour in the cache. */
const TAGS_TTL_SECONDS = 3600;

/**
 * The metrics a service reports, read for an hour-aligned window: kept until that hour is over
 * (the key changes with it), not the minute of live data, so an alert storm on one service
 * discovers once an hour, not once a minute.
 */
const DISCOVERY_TTL_SECONDS = 3600;

/** The cache settings of config.datadog.cache. */
export interface CacheSettings extends CacheTtls {
  readonly lock_ttl_ms: number;
  readonly wait_timeout_ms: number;
}

export interface CachedSourceOptions {
  readonly redis: RedisClient;
  readonly cache: CacheSettings;
  /** Separates entries of different Datadog orgs with the same source id; default the source id. */
  readonly namespace?: string;
  /** Key prefix with a hash tag; default "orch:dd:{cache}". */
  readonly prefix?: string;
  readonly now?: () => number;
  readonly pollMs?: number;
  readonly errorTtlMs?: number;
}

/** A source with work to do once before its first upstream read (DatadogSource loads its SDK). */
interface Preparable {
  prepare(): Promise<void>;
}

const isPreparable = (source: MetricsSource): source is MetricsSource & Preparable =>
  typeof (source as Partial<Preparable>).prepare === "function";

/**
 * Any MetricsSource behind a Redis cache keyed by the normalised request and the window
 * aligned to cache buckets, with single-flight across processes: N workers asking the same
 * thing at once make one upstream read. Reads report `cache` and `upstream_calls`.
 */
export class CachedSource implements MetricsSource {
  readonly id: string;
  readonly batchesMetricQueries: boolean;
  private readonly flight: RedisSingleFlight;
  private readonly namespace: string;
  private readonly now: () => number;
  private readonly prepare: Prepare | undefined;

  constructor(
    private readonly inner: MetricsSource,
    private readonly options: CachedSourceOptions,
  ) {
    this.id = inner.id;
    // Each query keeps its own entry and lock; the misses of a round still leave together.
    this.batchesMetricQueries = inner.batchesMetricQueries === true;
    this.namespace = options.namespace ?? inner.id;
    this.now = options.now ?? Date.now;
    // Prepared on a miss before the lock is taken, never while holding it (see Prepare).
    this.prepare = isPreparable(inner) ? () => inner.prepare() : undefined;
    this.flight = new RedisSingleFlight(options.redis, {
      prefix: options.prefix ?? "orch:dd:{cache}",
      lockTtlMs: options.cache.lock_ttl_ms,
      waitTimeoutMs: options.cache.wait_timeout_ms,
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      ...(options.errorTtlMs !== undefined ? { errorTtlMs: options.errorTtlMs } : {}),
    });
  }

  private async read<T>(
    parts: readonly unknown[],
    window: TimeWindow | undefined,
    produce: Produce<T>,
    signal: AbortSignal,
    bucketSeconds = this.options.cache.bucket_seconds,
    ttlSeconds?: number,
  ): Promise<SourceRead<T>> {
    const key = cacheKey([this.namespace, ...parts, window?.start ?? null, window?.end ?? null]);
    const ttl =
      ttlSeconds ?? ttlFor(window, this.now(), { ...this.options.cache, bucket_seconds: bucketSeconds });
    const result = await this.flight.run(key, ttl, produce, signal, this.prepare);
    return { value: result.value, cache: result.cache, upstream_calls: result.upstream_calls };
  }

  private align(window: TimeWindow): TimeWindow {
    return alignWindow(window, this.options.cache.bucket_seconds);
  }

  async discoverMetrics(
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly string[]>> {
    // Discovery reads "active since": an hour bucket is plenty and shares it across windows.
    const bucket = Math.max(this.options.cache.bucket_seconds, 3600);
    const aligned = alignWindow(window, bucket);
    const tags = scopedTagList(scope);
    const produce: Produce<readonly string[]> = (s) => this.inner.discoverMetrics(scope, aligned, s);
    return await this.read(["discover", tags], aligned, produce, signal, bucket, DISCOVERY_TTL_SECONDS);
  }

  async queryMetrics(
    query: MetricQuery,
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly Series[]>> {
    const aligned = this.align(window);
    const text = scopedMetricQuery(query, scope);
    return await this.read(
      ["metrics", text],
      aligned,
      (s) => this.inner.queryMetrics(query, scope, aligned, s),
      signal,
    );
  }

  async metricMetadata(
    metric: string,
    scope: ServiceScope,
    signal: AbortSignal,
  ): Promise<SourceRead<MetricMetadata | null>> {
    const name = scopedMetricName(metric, scope);
    // The organisation's metadata, shared by its services; "none" (a 404) is cached as null too.
    const produce: Produce<MetricMetadata | null> = (s) => this.inner.metricMetadata(name, scope, s);
    return await this.read(["metadata", name], undefined, produce, signal, undefined, METADATA_TTL_SECONDS);
  }

  async metricTags(
    metric: string,
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly string[]>> {
    const name = scopedMetricName(metric, scope);
    const tags = scopedTagList(scope);
    // Tags change with deploys and scaling, not by the minute: an hour in the cache, per service.
    const produce: Produce<readonly string[]> = (s) => this.inner.metricTags(name, scope, window, s);
    return await this.read(["tags", name, tags], undefined, produce, signal, undefined, TAGS_TTL_SECONDS);
  }

  async monitors(scope: ServiceScope, signal: AbortSignal): Promise<SourceRead<MonitorList>> {
    const tags = scopedTagList(scope);
    // "monitor-list": entries of the older shape (a bare array, under "monitors") are never read back.
    return await this.read(["monitor-list", tags], undefined, (s) => this.inner.monitors(scope, s), signal);
  }

  async monitor(id: number, scope: ServiceScope, signal: AbortSignal): Promise<SourceRead<MonitorInfo>> {
    const tags = scopedTagList(scope);
    return await this.read(["monitor", id, tags], undefined, (s) => this.inner.monitor(id, scope, s), signal);
  }

  async events(
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly EventInfo[]>> {
    const aligned = this.align(window);
    const tags = scopedTagList(scope);
    return await this.read(["events", tags], aligned, (s) => this.inner.events(scope, aligned, s), signal);
  }

  async logs(
    scope: ServiceScope,
    window: TimeWindow,
    filter: string,
    signal: AbortSignal,
  ): Promise<SourceRead<LogSummary>> {
    const aligned = this.align(window);
    const search = scopedLogSearch(scope, filter);
    return await this.read(
      ["logs", search],
      aligned,
      (s) => this.inner.logs(scope, aligned, filter, s),
      signal,
    );
  }

  /** Closes the pub/sub connection it opened; the Redis client passed in stays open. */
  close(): Promise<void> {
    return this.flight.close();
  }
}
