import type { client } from "@datadog/datadog-api-client";
import { quoteBigIntegers } from "./big-integers.js";

/** A non-2xx answer, raised by the transport so that the retry policy sees status and headers. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
    readonly body: string,
    readonly endpoint: string,
  ) {
    super(`HTTP ${status} on ${endpoint}`);
    this.name = "HttpStatusError";
  }
}

/** The request never got an answer (refused, reset, DNS). */
export class NetworkError extends Error {
  /**
   * What went wrong without where: the system error code (ECONNREFUSED, ENOTFOUND…). The message
   * names the address that failed, which may be internal, so only operators' logs carry it.
   */
  readonly reason: string;

  constructor(
    readonly endpoint: string,
    options: { cause: unknown },
  ) {
    const cause = options.cause instanceof Error ? (options.cause.cause ?? options.cause) : options.cause;
    super(`${endpoint}: ${cause instanceof Error ? cause.message : "network error"}`, options);
    this.name = "NetworkError";
    const code = cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
    this.reason = typeof code === "string" && /^[A-Z0-9_]+$/.test(code) ? code : "network error";
  }
}

/** A 2xx answer whose body is not JSON (the SDK would silently hand back the raw text). */
export class MalformedResponseError extends Error {
  constructor(readonly endpoint: string) {
    super(`malformed response body on ${endpoint}`);
    this.name = "MalformedResponseError";
  }
}

/** The parsed body (integers beyond 2^53 kept as strings), or MALFORMED. */
const MALFORMED = Symbol("malformed");
function parseJson(text: string): unknown {
  try {
    return JSON.parse(quoteBigIntegers(text)) as unknown;
  } catch {
    return MALFORMED;
  }
}

/** Rewrites a 2xx JSON body (undefined when empty) before the SDK reads it; undefined keeps it as it is. */
export type BodyNormaliser = (endpoint: string, body: unknown) => unknown;

/** Sees the headers of every answer (2xx or not), e.g. Datadog's `x-ratelimit-*`. */
export type HeaderObserver = (endpoint: string, headers: Readonly<Record<string, string>>) => void;

/** "GET /api/v1/query": method and path only, never the query string. */
export function endpointOf(request: client.RequestContext): string {
  return `${request.getHttpMethod()} ${new URL(request.getUrl()).pathname}`;
}

/**
 * The SDK's transport, on Node's own fetch: honours the per-call AbortSignal (timeouts and
 * cancellation), never retries (our policy does), turns non-2xx answers into
 * HttpStatusError before the SDK's response processor drops their headers, refuses bodies
 * that are not JSON, and lets `normalise` make a body safe for the SDK's strict models.
 */
export class FetchHttpLibrary implements client.HttpLibrary {
  /** The SDK's response class, handed in so that this module does not load the SDK. */
  constructor(
    private readonly ResponseContext: typeof client.ResponseContext,
    private readonly normalise?: BodyNormaliser,
    private readonly observe?: HeaderObserver,
  ) {}

  async send(request: client.RequestContext): Promise<client.ResponseContext> {
    const endpoint = endpointOf(request);
    const configured: unknown = request.getHttpConfig().signal;
    const signal = configured instanceof AbortSignal ? configured : undefined;
    const body = request.getBody();
    let response: Response;
    try {
      response = await fetch(request.getUrl(), {
        method: request.getHttpMethod(),
        headers: request.getHeaders(),
        ...(typeof body === "string" || Buffer.isBuffer(body) ? { body } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new NetworkError(endpoint, { cause: error });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new NetworkError(endpoint, { cause: error });
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    this.observe?.(endpoint, headers);
    if (!response.ok) throw new HttpStatusError(response.status, headers, text, endpoint);
    const parsed = text.trim().length > 0 ? parseJson(text) : undefined;
    if (parsed === MALFORMED) throw new MalformedResponseError(endpoint);
    const normalised = this.normalise?.(endpoint, parsed);
    const answer = normalised === undefined ? text : JSON.stringify(normalised);
    // The SDK's response processors only read a body under exactly 200; any 2xx carries one here.
    return new this.ResponseContext(
      200,
      { ...headers, "content-type": "application/json" },
      {
        text: () => Promise.resolve(answer),
        binary: () => Promise.resolve(Buffer.from(answer)),
      },
    );
  }
}
