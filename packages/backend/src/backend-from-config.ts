import type { Config } from "@orch/config";
import { BackendClient } from "./backend-client.js";
import { ServiceDirectory } from "./service-directory.js";

export interface Backend {
  readonly client: BackendClient;
  readonly directory: ServiceDirectory;
}

/** The backend client and its cached service directory, when BACKEND_API_URL is set. */
export function backendFromConfig(config: Config["backend"]): Backend | undefined {
  if (!config) return undefined;
  const client = new BackendClient({
    url: config.url,
    ...(config.token ? { token: config.token } : {}),
    timeoutMs: config.timeout_ms,
    retries: config.retries,
    backoffMs: config.backoff_ms,
  });
  return { client, directory: new ServiceDirectory(client, { cacheMs: config.cache_seconds * 1000 }) };
}
