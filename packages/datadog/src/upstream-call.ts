import { UpstreamError } from "@orch/core";
import { abortError } from "@orch/core";
import { delay } from "./abortable-delay.js";
import { HttpStatusError, NetworkError } from "./fetch-http-library.js";
import type { RequestBudget } from "./redis-token-bucket.js";
import type { SourceLogger } from "./source-logger.js";

/** How one upstream call is bounded, retried and described. */
export interface UpstreamPolicy {
  /**
   * How error messages name the organisation, e.g. "datadoghq.eu" or its configured name. Errors
   * reach answers and traces, which every client reads: never an API URL, which may be internal.
   */
  readonly site: string;
  /** Where the calls go (the API URL's host, or the site): in operators' logs only. */
  readonly host?: string;
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
  /** Wait before the next attempt, when the upstream said (429 reset, Retry-After). */
  readonly waitMs?: number;
  /** A 429: the whole organisation's budget pauses for the wait. */
  readonly rateLimited?: boolean;
}

/**
 * How long the upstream asked us to wait, in ms: Datadog's `X-RateLimit-Reset` (seconds), else
 * the standard `Retry-After` (seconds or an HTTP date), as gateways and proxies send it.
 */
export function retryAfterMs(
  headers: Readonly<Record<string, string>>,
  now = Date.now(),
): number | undefined {
  const reset = headers["x-ratelimit-reset"]?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) return Number(reset) * 1000;
  const retryAfter = headers["retry-after"]?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const at = Date.parse(retryAfter);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
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
    const waitMs = retryAfterMs(error.headers);
    if (error.status === 429) {
      const when = waitMs !== undefined ? ` (resets in ${Math.ceil(waitMs / 1000)} s)` : "";
      return {
        error: new UpstreamError(
          "rate_limited",
          `Datadog rate limit reached on ${endpoint} for ${site}${when}`,
          true,
          details,
        ),
        rateLimited: true,
        ...(waitMs !== undefined ? { waitMs } : {}),
      };
    }
    const retryable = error.status >= 500 || error.status === 408;
    const reason = redact(datadogErrors(error.body).slice(0, 300), secrets);
    const message = `Datadog answered HTTP ${error.status} on ${endpoint} (${site})${reason ? `: ${reason}` : ""}`;
    return {
      error: new UpstreamError("upstream_error", message, retryable, details),
      // A 503 with Retry-After says when to come back; it is not a rate limit of the organisation.
      ...(retryable && waitMs !== undefined ? { waitMs } : {}),
    };
  }
  if (error instanceof NetworkError) {
    return {
      error: new UpstreamError(
        "upstream_error",
        `could not reach Datadog (${site}) for ${endpoint}: ${error.reason}`,
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
 * signal, after taking a token from the shared budget; retries 429 (after X-RateLimit-Reset
 * or Retry-After), 5xx (after Retry-After when given), timeouts, network errors and malformed bodies with exponential backoff and full
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
    await policy.budget?.take(signal, endpoint);
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    calls += 1;
    try {
      return { value: await attempt(AbortSignal.any([signal, timeout])), calls };
    } catch (error) {
      if (signal.aborted) throw abortError(signal);
      const failure = classify(error, endpoint, timeout.aborted, policy);
      // Operators see where the call went and what the network said; clients only the message.
      const where = {
        endpoint,
        ...(policy.host ? { host: policy.host } : {}),
        ...(error instanceof NetworkError ? { cause: redact(error.message, policy.secrets ?? []) } : {}),
      };
      const failed = failure.error;
      if (!failed.retryable || retry >= policy.maxRetries) {
        policy.logger?.warn({ ...where, code: failed.code, attempts: calls }, failed.message);
        throw failed;
      }
      const backoff = Math.random() * Math.min(max, base * 2 ** retry);
      const waitMs = failure.waitMs !== undefined ? failure.waitMs + Math.random() * 100 : backoff;
      // Every process holds back from the endpoint until the reset, however long (an hour is
      // common): the next job must not spend a request to learn the same thing.
      if (failure.rateLimited && failure.waitMs !== undefined)
        await policy.budget?.pause(failure.waitMs, endpoint);
      if (waitMs > (policy.maxRateLimitWaitMs ?? 60_000)) {
        policy.logger?.warn({ ...where, code: failed.code, attempts: calls }, failed.message);
        throw failed;
      }
      policy.logger?.warn(
        { ...where, code: failed.code, retry: retry + 1, wait_ms: Math.round(waitMs) },
        failed.message,
      );
      await delay(waitMs, signal);
    }
  }
}
