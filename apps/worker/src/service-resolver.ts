import type { DatadogConfig, ServiceConfig } from "@orch/config";
import { serviceScope, type StepDraft } from "@orch/core";
import type { ServiceDirectory, ServiceInfo } from "@orch/backend";
import { createMetricsSourceProvider, type MetricsSourceProvider, type SourceLogger } from "@orch/datadog";
import type { StoredJob, RedisClient } from "@orch/queue";
import type { ServiceContext } from "./phases/phase-deps.js";

export interface ServiceResolverOptions {
  readonly datadog: DatadogConfig;
  readonly services: Readonly<Record<string, ServiceConfig>>;
  readonly redis: RedisClient;
  /** The backend's service info, when BACKEND_API_URL is set. */
  readonly directory?: ServiceDirectory;
  readonly logger?: SourceLogger;
}

/** A service's config entry with what the backend said laid over it (the backend wins field by field). */
export function mergeServiceInfo(
  base: ServiceConfig | undefined,
  info: ServiceInfo | undefined,
): ServiceConfig | undefined {
  if (!info) return base;
  const dd = info.datadog;
  const merged: ServiceConfig = {
    ...base,
    ...(info.tags && info.tags.length > 0 ? { tags: info.tags } : {}),
    ...(info.env ? { env: info.env } : {}),
    ...(dd?.site ? { site: dd.site } : {}),
    ...(dd?.api_url ? { api_url: dd.api_url } : {}),
    ...(dd?.api_key && dd.app_key ? { api_key: dd.api_key, app_key: dd.app_key } : {}),
  };
  return Object.keys(merged).length > 0 ? merged : undefined;
}

/**
 * The scope and data source of a job's service: config.json's `services`, overlaid with the
 * backend's service info when there is a backend. Planning saves the scope it used on the
 * record, and later phases keep to it even if the backend changes its answer meanwhile.
 */
export class ServiceResolver {
  /** What the data source provider reads on every call: config, plus the backend's latest answers. */
  private readonly services: Record<string, ServiceConfig>;
  private readonly sources: MetricsSourceProvider;

  constructor(private readonly options: ServiceResolverOptions) {
    this.services = { ...options.services };
    this.sources = createMetricsSourceProvider({
      config: { ...options.datadog, services: this.services },
      redis: options.redis,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  async resolve(job: StoredJob, signal: AbortSignal, demoAnchor?: number): Promise<ServiceContext> {
    const id = job.request.service_id;
    const steps: StepDraft[] = [];
    let info: ServiceInfo | undefined;
    if (this.options.directory) {
      const lookup = await this.options.directory.lookup(id, signal);
      info = lookup.info;
      if (lookup.step) steps.push(lookup.step);
    }
    const service = mergeServiceInfo(this.options.services[id], info);
    if (service) this.services[id] = service;
    else delete this.services[id];
    // Synchronous after the overlay update, so the source is built from exactly this entry.
    const source = this.sources.forService(id, demoAnchor);
    const scope = job.service_scope ?? serviceScope(id, service?.tags, service?.env);
    return { scope, source, steps };
  }

  /** Loads what the configured data sources need before the first job (the Datadog SDK). */
  async warmUp(): Promise<void> {
    await this.sources.warmUp();
  }

  async close(): Promise<void> {
    await this.sources.close();
  }
}
