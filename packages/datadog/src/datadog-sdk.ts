import type * as sdk from "@datadog/datadog-api-client";

export type DatadogSdk = typeof sdk;

let loading: Promise<DatadogSdk> | undefined;

/**
 * The official SDK, loaded on the first Datadog call: it costs about 100 MB of memory (every
 * model of both API versions), which the API process and workers serving demo data never need.
 */
export function loadDatadogSdk(): Promise<DatadogSdk> {
  loading ??= import("@datadog/datadog-api-client");
  return loading;
}
