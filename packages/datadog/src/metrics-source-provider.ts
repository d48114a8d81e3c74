import { createHash } from "node:crypto";
import type { RedisClient } from "@orch/queue";
import type { DatadogConfig, ServiceConfig } from "@orch/config";
import { serviceScope, type MetricsSource, type Scenario, type ServiceScope } from "@orch/core";
import { CachedSource } from "./cached-source.js";
import { DatadogSource } from "./datadog-source.js";
import { DemoSource } from "./demo-source.js";
import { loadDatadogSdk } from "./datadog-sdk.js";
import { RedisTokenBucket } from "./redis-token-bucket.js";
import type { SourceLogger } from "./source-logger.js";

/** When a demo source pinned to an anchor is closed: past any job that could still read it. */
const RETIRE_ANCHORED_MS = 2 * 3_600_000;

export interface MetricsSourceProviderOptions {
  readonly config: DatadogConfig & { readonly services: Readonly<Record<string, ServiceConfig>> };
  readonly redis: RedisClient;
  /** The demo scenario of a service; default the built-in ones. */
  readonly scenarios?: (serviceId: string) => Scenario;
  /**
   * The demo anchor for a read at `now`, for every read (tests pin it); default `now` rounded up to
   * the minute, or the anchor a job's conversation is pinned to.
   */
  readonly anchor?: (now: number) => number;
  readonly logger?: SourceLogger;
}

/** Hands the worker the data source of each service, and closes them all at shutdown. */
export interface MetricsSourceProvider {
  /**
   * The source of a service. `demoAnchor` pins the demo's anchor (a conversation's, see
   * `conversationAnchor`); without it the demo anchors each read at its own minute. Datadog
   * sources ignore it.
   */
  forService(serviceId: string, demoAnchor?: number): MetricsSource;
  /**
   * Loads the Datadog SDK now when any service reads Datadog: loading it takes the process a couple
   * of seconds of blocking work, better spent at start-up than inside the first job.
   */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

/** The scope of a service from config: its tags (default service:<id>) and env. */
export function serviceScopeFor(
  serviceId: string,
  services: Readonly<Record<string, ServiceConfig>>,
): ServiceScope {
  const service = services[serviceId];
  return serviceScope(serviceId, service?.tags, service?.env);
}

interface Connection {
  readonly apiKey: string;
  readonly appKey: string;
  readonly site: string;
  readonly apiUrl?: string;
  /** How clients see the org named (see DatadogSourceOptions.name). */
  readonly name?: string;
}

/**
 * The Datadog org a service reads: its own keys (and site or URL) when it has both, else the
 * deployment's. A team's own org goes by its own org_name only, never the deployment's.
 */
function connectionFor(
  config: MetricsSourceProviderOptions["config"],
  serviceId: string,
): Connection | undefined {
  const own = config.services[serviceId];
  if (own?.api_key && own.app_key) {
    const apiUrl = own.api_url ?? (own.site ? undefined : config.apiUrl);
    return {
      apiKey: own.api_key,
      appKey: own.app_key,
      site: own.site ?? config.site,
      ...(apiUrl ? { apiUrl } : {}),
      ...(own.org_name ? { name: own.org_name } : {}),
    };
  }
  if (config.apiKey && config.appKey) {
    const site = own?.site ?? config.site;
    const apiUrl = own?.api_url ?? (own?.site ? undefined : config.apiUrl);
    const name = own?.org_name ?? config.org_name;
    return {
      apiKey: config.apiKey,
      appKey: config.appKey,
      site,
      ...(apiUrl ? { apiUrl } : {}),
      ...(name ? { name } : {}),
    };
  }
  return undefined;
}

/**
 * Demo data when no Datadog keys apply to a service, else Datadog for its org (the
 * deployment's, or the service's own site, URL and keys); always behind the Redis cache.
 * One source per org, shared by every service of that org.
 */
export function createMetricsSourceProvider(options: MetricsSourceProviderOptions): MetricsSourceProvider {
  const { config, redis } = options;
  const sources = new Map<string, CachedSource>();
  // Demo sources pinned to a conversation's anchor, by anchor: a conversation keeps its anchor
  // for CONVERSATION_HOLD_MS and a job lasts at most an hour, so one older than two hours is done.
  const anchored = new Map<number, CachedSource>();
  const retireAnchored = () => {
    for (const [anchor, source] of anchored) {
      if (anchor > Date.now() - RETIRE_ANCHORED_MS) continue;
      anchored.delete(anchor);
      void source.close().catch(() => undefined);
    }
  };
  const demo = (anchor?: (now: number) => number) =>
    new DemoSource({
      maxMetricsPerRequest: config.max_metrics_per_request,
      ...(options.scenarios ? { scenarios: options.scenarios } : {}),
      ...(anchor ? { anchor } : {}),
    });

  const cached = (identity: string, build: () => MetricsSource, namespace: string): CachedSource => {
    const existing = sources.get(identity);
    if (existing) return existing;
    const source = new CachedSource(build(), { redis, cache: config.cache, namespace });
    sources.set(identity, source);
    return source;
  };

  return {
    forService(serviceId: string, demoAnchor?: number): MetricsSource {
      const connection = connectionFor(config, serviceId);
      if (!connection && demoAnchor !== undefined && !options.anchor) {
        const existing = anchored.get(demoAnchor);
        if (existing) return existing;
        retireAnchored();
        // Its own cache entries: data around another anchor is another story.
        const source = new CachedSource(
          demo(() => demoAnchor),
          {
            redis,
            cache: config.cache,
            namespace: `demo@${demoAnchor}`,
          },
        );
        anchored.set(demoAnchor, source);
        return source;
      }
      if (!connection) return cached("demo", () => demo(options.anchor), "demo");
      const host = connection.apiUrl ? new URL(connection.apiUrl).host : connection.site;
      // Names the org without carrying its keys: a short digest.
      const org = createHash("sha1")
        .update(`${connection.apiKey}\n${connection.appKey}`)
        .digest("hex")
        .slice(0, 12);
      return cached(
        `${connection.apiUrl ?? connection.site}|${org}|${connection.name ?? ""}`,
        () =>
          new DatadogSource({
            ...connection,
            requestTimeoutMs: config.request_timeout_ms,
            maxRetries: config.max_retries,
            maxMetricsPerRequest: config.max_metrics_per_request,
            maxQueriesPerRequest: config.max_queries_per_request,
            budget: new RedisTokenBucket(redis, {
              key: `orch:dd:{rl}:${host}:${org}`,
              ratePerSecond: config.requests_per_second,
            }),
            ...(options.logger ? { logger: options.logger } : {}),
          }),
        `datadog:${host}:${org}`,
      );
    },
    async warmUp(): Promise<void> {
      const keyed = (c: { api_key?: string; app_key?: string }) => Boolean(c.api_key && c.app_key);
      if ((config.apiKey && config.appKey) || Object.values(config.services).some(keyed)) {
        await loadDatadogSdk();
      }
    },
    async close(): Promise<void> {
      const all = [...sources.values(), ...anchored.values()];
      sources.clear();
      anchored.clear();
      await Promise.all(all.map((s) => s.close()));
    },
  };
}
