import { AppError, describeError, untilAborted, type StepDraft } from "@orch/core";
import type { BackendClient } from "./backend-client.js";
import type { ServiceInfo } from "./backend-schemas.js";

export interface ServiceDirectoryOptions {
  /** How long an answer is reused (0: ask every time). */
  readonly cacheMs: number;
  /** How long a failure is remembered, so a down backend costs one timeout, not one per phase. */
  readonly failureCacheMs?: number;
  readonly now?: () => number;
}

/** The outcome of a lookup: the info (undefined when unknown or degraded) and, when the backend was asked or is down, a trace step. */
export interface ServiceLookup {
  readonly info?: ServiceInfo;
  readonly degraded: boolean;
  readonly step?: StepDraft;
}

interface Entry {
  readonly expires: number;
  readonly info?: ServiceInfo;
  readonly error?: string;
  readonly at: number;
}

const STEP = "backend.service_info";

function describe(info: ServiceInfo | undefined, host: string): string {
  if (!info) return `the backend (${host}) does not know the service; using config`;
  const parts = [`service info from the backend (${host})`];
  if (info.tags && info.tags.length > 0) parts.push(`tags ${info.tags.join(",")}`);
  if (info.env) parts.push(`env ${info.env}`);
  if (info.datadog?.api_key && info.datadog.app_key)
    parts.push(`own Datadog org${info.datadog.site ? ` on ${info.datadog.site}` : ""}`);
  return parts.join("; ");
}

/**
 * Service info from the backend, cached in memory for a short while and fetched once however
 * many phases ask at the same time. When the backend is down or slow the lookup degrades: no
 * info (the caller uses config defaults) and an error step that says why.
 */
export class ServiceDirectory {
  private readonly cache = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  private readonly now: () => number;

  constructor(
    private readonly client: BackendClient,
    private readonly options: ServiceDirectoryOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async lookup(serviceId: string, signal?: AbortSignal): Promise<ServiceLookup> {
    const cached = this.cache.get(serviceId);
    if (cached && cached.expires > this.now()) {
      if (cached.error === undefined)
        return { ...(cached.info ? { info: cached.info } : {}), degraded: false };
      return { degraded: true, step: this.failureStep(cached.error, 0, this.now() - cached.at) };
    }
    const started = this.now();
    // The shared fetch is bounded by the client's timeouts, not by one caller's signal, so a
    // cancelled job does not fail the lookups of others waiting on the same fetch.
    let fetching = this.pending.get(serviceId);
    if (!fetching) {
      fetching = this.fetch(serviceId).finally(() => this.pending.delete(serviceId));
      this.pending.set(serviceId, fetching);
    }
    const entry = await (signal ? untilAborted(fetching, signal) : fetching);
    const duration = Math.max(0, this.now() - started);
    if (entry.error !== undefined) return { degraded: true, step: this.failureStep(entry.error, duration) };
    return {
      ...(entry.info ? { info: entry.info } : {}),
      degraded: false,
      step: {
        kind: "tool",
        name: STEP,
        started_at: new Date(started).toISOString(),
        duration_ms: duration,
        status: "ok",
        summary: describe(entry.info, this.client.host),
      },
    };
  }

  private async fetch(serviceId: string): Promise<Entry> {
    const at = this.now();
    let entry: Entry;
    try {
      const info = await this.client.getServiceInfo(serviceId);
      entry = { at, expires: this.now() + this.options.cacheMs, ...(info ? { info } : {}) };
    } catch (error) {
      const message = error instanceof AppError ? `${error.code}: ${error.message}` : describeError(error);
      entry = {
        at,
        expires: this.now() + Math.min(this.options.failureCacheMs ?? 5000, this.options.cacheMs),
        error: message,
      };
    }
    this.cache.set(serviceId, entry);
    return entry;
  }

  private failureStep(error: string, durationMs: number, ageMs?: number): StepDraft {
    return {
      kind: "tool",
      name: STEP,
      started_at: new Date(this.now() - durationMs).toISOString(),
      duration_ms: durationMs,
      status: "error",
      summary: `the backend is unavailable${ageMs !== undefined ? ` (failed ${Math.round(ageMs / 1000)} s ago)` : ""}; using config defaults for the service`,
      error,
    };
  }
}
