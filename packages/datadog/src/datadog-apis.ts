import type { client, v1, v2 } from "@datadog/datadog-api-client";
import { FetchHttpLibrary, type HeaderObserver } from "./fetch-http-library.js";
import { loadDatadogSdk } from "./datadog-sdk.js";
import { normaliseWireBody } from "./normalise-wire-body.js";

/** The SDK objects of one Datadog org. */
export interface DatadogApis {
  /** A configuration per call: the SDK reads the AbortSignal from it, not from the call. */
  readonly configuration: (signal?: AbortSignal) => client.Configuration;
  readonly metrics: v1.MetricsApi;
  /** The v2 metrics API: a metric's tags (all-tags). */
  readonly metricsV2: v2.MetricsApi;
  readonly monitors: v1.MonitorsApi;
  readonly events: v1.EventsApi;
  readonly logs: v2.LogsApi;
}

/** Where and as whom the SDK calls Datadog. */
export interface DatadogApiTarget {
  readonly apiKey: string;
  readonly appKey: string;
  readonly site?: string;
  readonly apiUrl?: string;
}

/**
 * The SDK's API objects for one org, on our transport (timeouts, cancellation, bodies normalised
 * before the SDK's strict models read them), with the SDK's own retry off. Loads the SDK (lazily:
 * see datadog-sdk.ts).
 */
export async function createDatadogApis(
  target: DatadogApiTarget,
  observe?: HeaderObserver,
): Promise<DatadogApis> {
  const sdk = await loadDatadogSdk();
  const site = target.site ?? "datadoghq.com";
  const baseServer = target.apiUrl
    ? new sdk.client.ServerConfiguration(target.apiUrl.replace(/\/+$/, ""), {})
    : new sdk.client.ServerConfiguration("https://{subdomain}.{site}", { site, subdomain: "api" });
  // Bodies are normalised before the SDK's strict models read them: one odd record must not sink a read.
  const http = new FetchHttpLibrary(sdk.client.ResponseContext, normaliseWireBody, observe);
  const configuration = (signal?: AbortSignal): client.Configuration =>
    sdk.client.createConfiguration({
      baseServer,
      authMethods: { apiKeyAuth: target.apiKey, appKeyAuth: target.appKey },
      httpApi: http,
      httpConfig: { compress: false, ...(signal ? { signal } : {}) },
      enableRetry: false,
    });
  const shared = configuration();
  return {
    configuration,
    metrics: new sdk.v1.MetricsApi(shared),
    metricsV2: new sdk.v2.MetricsApi(shared),
    monitors: new sdk.v1.MonitorsApi(shared),
    events: new sdk.v1.EventsApi(shared),
    logs: new sdk.v2.LogsApi(shared),
  };
}
