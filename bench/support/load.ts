import autocannon from "autocannon";

export interface LoadResult {
  /** Responses with the expected status a second: refusals (429, 503) are not throughput. */
  readonly requests_per_s: number;
  readonly latency_ms: { readonly p50: number; readonly p99: number };
  /** Every response and error, whatever its status. */
  readonly requests: number;
  readonly errors: number;
  /** Responses with a status other than the expected one. */
  readonly unexpected: number;
  /** The unexpected responses by status (e.g. `{ "429": 12 }`), so a report can say what they were. */
  readonly unexpected_by_status: Readonly<Record<string, number>>;
}

export interface LoadOptions {
  readonly url: string;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Headers of each client the connections take turns to be, request by request (the
   * `Authorization` of several tokens); every request the same when absent.
   */
  readonly clients?: ReadonlyArray<Readonly<Record<string, string>>>;
  readonly connections: number;
  readonly seconds: number;
  readonly expectStatus: number;
}

/** POSTs `body` to `url` over `connections` keep-alive connections for `seconds` (autocannon). */
export async function postLoad(options: LoadOptions): Promise<LoadResult> {
  const unexpected: Record<string, number> = {};
  let expected = 0;
  const headers = { "content-type": "application/json", ...options.headers };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: "POST",
        connections: options.connections,
        duration: options.seconds,
        headers,
        body: JSON.stringify(options.body),
        // Built once each: autocannon cycles through them without rebuilding a request.
        ...(options.clients
          ? { requests: options.clients.map((h) => ({ headers: { ...headers, ...h } })) }
          : {}),
      },
      (error, done) => (error ? reject(error as Error) : resolve(done)),
    );
    instance.on("response", (_client, statusCode) => {
      if (statusCode === options.expectStatus) expected++;
      else unexpected[statusCode] = (unexpected[statusCode] ?? 0) + 1;
    });
  });
  const refused = Object.values(unexpected).reduce((n, count) => n + count, 0);
  return {
    requests_per_s: expected / result.duration,
    latency_ms: { p50: result.latency.p50, p99: result.latency.p99 },
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    unexpected: refused,
    unexpected_by_status: unexpected,
  };
}
