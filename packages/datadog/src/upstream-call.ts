import { UpstreamError } from "@orch/core";
import { abortError } from "@orch/core";
import { delay } from "./abortable-delay.js";
import { HttpStatusError, NetworkError } from "./fetch-http-library.js";
import type { RequestBudget } from "./redis-token-bucket.js";
import type { SourceLogger } from "./source-logger.js";

/** How one upstream call is bounded, retried and described. */
export interface UpstreamPolicy {
  /** Named in error messages, e.g. "datadoghq.eu". */
  readonly site: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly budget?: RequestBudget;
  /** First backoff step; doubled per attempt, full jitter; default 250 ms. */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Longest 429 reset we wait for before giving up; default 60 s. */
  readonly maxRateLimitWaitMs?: number;
  /** Values that must never appear in a message (the keys). */
  readonly secrets?: readonly string[];
  readonly logger?: SourceLogger;
}

interface Failure {
  readonly error: UpstreamError;
  /** Wait before the next attempt, when the upstream said (429 reset). */
  readonly waitMs?: number;
}

function datadogErrors(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "errors" in parsed && Array.isArray(parsed.errors)) {
      return parsed.errors.filter((e): e is string => typeof e === "string").join("; ");
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return body;
}

/** Text that came from outside (Datadog's error body, a socket error) with any secret blanked. */
function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join("[redacted]"), text);
}

function classify(error: unknown, endpoint: string, timedOut: boolean, policy: UpstreamPolicy): Failure {
  const site = policy.site;
  const secrets = policy.secrets ?? [];
  if (timedOut) {
    return {
      error: new UpstreamError(
        "upstream_timeout",
        `Datadog did not answer ${endpoint} within ${policy.timeoutMs} ms (${site})`,
        true,
        {
          endpoint,
        },
      ),
    };
  }
  if (error instanceof HttpStatusError) {
    const details = { endpoint, status: error.status };
    if (error.status === 401 || error.status === 403) {
      const message =
        `Datadog rejected the API or application key (HTTP ${error.status}) for ${site}; ` +
        "check DATADOG_API_KEY and DATADOG_APP_KEY (or the service's own api_key and app_key)";
      return { error: new UpstreamError("upstream_auth", message, false, details) };
    }
    if (error.status === 429) {
      const reset = Number(error.headers["x-ratelimit-reset"]);
      const waitMs = Number.isFinite(reset) && reset >= 0 ? reset * 1000 : undefined;
      const when = waitMs !== undefined ? ` (resets in ${reset} s)` : "";
      return {
        error: new UpstreamError(
          "rate_limited",
          `Datadog rate limit reached on ${endpoint} for ${site}${when}`,
          true,
          details,
        ),
        ...(waitMs !== undefined ? { waitMs } : {}),
      };
    }
    const retryable = error.status >= 500 || error.status === 408;
    const reason = redact(datadogErrors(error.body).slice(0, 300), secrets);
    const message = `Datadog answered HTTP ${error.status} on ${endpoint} (${site})${reason ? `: ${reason}` : ""}`;
    return { error: new UpstreamError("upstream_error", message, retryable, details) };
  }
  if (error instanceof NetworkError) {
    return {
      error: new UpstreamError(
        "upstream_error",
        `could not reach Datadog (${site}): ${redact(error.message, secrets)}`,
        true,
        { endpoint },
      ),
    };
  }
  // The transport got a 2xx, so anything else (MalformedResponseError included) is a body we cannot read.
  return {
    error: new UpstreamError(
      "upstream_error",
      `Datadog sent a malformed response to ${endpoint} (${site})`,
      true,
      { endpoint },
    ),
  };
}

/**
 * Calls Datadog once per attempt under a per-attempt timeout combined with the caller's
 * signal, after taking a token from the shared budget; retries 429 (after its reset),
 * 5xx, timeouts, network errors and malformed bodies with exponential backoff and full
 * jitter, at most `maxRetries` times. Returns the value and the attempts made.
 */
export async function callUpstream<T>(
  endpoint: string,
  attempt: (signal: AbortSignal) => Promise<T>,
  policy: UpstreamPolicy,
  signal: AbortSignal,
): Promise<{ value: T; calls: number }> {
  const base = policy.backoffBaseMs ?? 250;
  const max = policy.backoffMaxMs ?? 8_000;
  let calls = 0;
  for (let retry = 0; ; retry++) {
    if (signal.aborted) throw abortError(signal);
    await policy.budget?.take(signal);
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    calls += 1;
    try {
      return { value: await attempt(AbortSignal.any([signal, timeout])), calls };
    } catch (error) {
      if (signal.aborted) throw abortError(signal);
      const failure = classify(error, endpoint, timeout.aborted, policy);
      const failed = failure.error;
      if (!failed.retryable || retry >= policy.maxRetries) throw failed;
      const backoff = Math.random() * Math.min(max, base * 2 ** retry);
      const waitMs = failure.waitMs !== undefined ? failure.waitMs + Math.random() * 100 : backoff;
      if (waitMs > (policy.maxRateLimitWaitMs ?? 60_000)) throw failed;
      if (failure.waitMs !== undefined) await policy.budget?.pause(failure.waitMs);
      policy.logger?.warn(
        { endpoint, code: failed.code, retry: retry + 1, wait_ms: Math.round(waitMs) },
        failed.message,
      );
      await delay(waitMs, signal);
    }
  }
}
