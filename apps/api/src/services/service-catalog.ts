import { AppError, DEMO_SCENARIOS, describeError } from "@orch/core";
import type { Config } from "@orch/config";
import { BackendClient, type ServiceEntry } from "@orch/backend";

/** Where the list came from: the backend's directory, config.json, or the demo data's services. */
export type ServiceSource = "backend" | "config" | "demo";

export interface ServiceListing {
  readonly source: ServiceSource;
  /** Whether a client may ask about a service not listed (everywhere but a backend's directory). */
  readonly free_text: boolean;
  readonly services: ReadonlyArray<{
    readonly service_id: string;
    readonly description: string | null;
    readonly env: string | null;
    readonly example_question: string | null;
  }>;
  /** Why the backend's directory is not the source although a backend is configured. */
  readonly detail: string | null;
}

export interface ServiceCatalogOptions {
  readonly config: Config;
  /** Set when BACKEND_API_URL is; built from config when absent. */
  readonly backend?: BackendClient;
  readonly now?: () => number;
}

/**
 * The services a client can ask about, for pickers: the backend's directory (GET /services)
 * when a backend is configured and lists them, else the services of config.json, else, with
 * demo data, the demo services. The backend's answer is reused for `backend.cache_seconds`.
 */
export class ServiceCatalog {
  private readonly backend: BackendClient | undefined;
  private readonly now: () => number;
  private cached: { readonly until: number; readonly listing: Promise<ServiceListing> } | undefined;

  constructor(private readonly options: ServiceCatalogOptions) {
    const backend = options.config.backend;
    this.backend =
      options.backend ??
      (backend
        ? new BackendClient({
            url: backend.url,
            ...(backend.token ? { token: backend.token } : {}),
            timeoutMs: backend.timeout_ms,
            retries: backend.retries,
            backoffMs: backend.backoff_ms,
          })
        : undefined);
    this.now = options.now ?? Date.now;
  }

  async list(): Promise<ServiceListing> {
    if (this.cached && this.cached.until > this.now()) return this.cached.listing;
    const listing = this.read();
    const seconds = this.options.config.backend?.cache_seconds ?? 60;
    this.cached = { until: this.now() + seconds * 1000, listing };
    // A failed read is not kept: the next request asks again.
    listing.catch(() => (this.cached = undefined));
    return listing;
  }

  private async read(): Promise<ServiceListing> {
    if (!this.backend) return this.fallback(null);
    try {
      const services = await this.backend.listServices();
      if (!services) return this.fallback("the backend does not list services (GET /services answered 404)");
      return { source: "backend", free_text: false, services: services.map(entry), detail: null };
    } catch (error) {
      const reason = error instanceof AppError ? error.message : describeError(error);
      return this.fallback(`the backend's service list is unavailable: ${reason}`);
    }
  }

  private fallback(detail: string | null): ServiceListing {
    const { config } = this.options;
    const configured = Object.entries(config.services).map(([id, service]) =>
      entry({ service_id: id, description: undefined, env: service.env }),
    );
    if (configured.length > 0 || config.datadog.apiKey) {
      return { source: "config", free_text: true, services: configured, detail };
    }
    const demo = DEMO_SCENARIOS.map((s) => ({
      service_id: s.service,
      description: s.description ?? null,
      env: null,
      example_question: s.question,
    }));
    return { source: "demo", free_text: true, services: demo, detail };
  }
}

function entry(e: ServiceEntry): ServiceListing["services"][number] {
  return {
    service_id: e.service_id,
    description: e.description ?? null,
    env: e.env ?? null,
    example_question: null,
  };
}
