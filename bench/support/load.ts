import autocannon from "autocannon";

export interface LoadResult {
  readonly requests_per_s: number;
  readonly latency_ms: { readonly p50: number; readonly p99: number };
  readonly requests: number;
  readonly errors: number;
  /** Responses with a status other than the expected one. */
  readonly unexpected: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly seconds: number;
  readonly expectStatus: number;
}

/** POSTs `body` to `url` over `connections` keep-alive connections for `seconds` (autocannon). */
export async function postLoad(options: LoadOptions): Promise<LoadResult> {
  let unexpected = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: "POST",
        connections: options.connections,
        duration: options.seconds,
        headers: { "content-type": "application/json", ...options.headers },
        body: JSON.stringify(options.body),
      },
      (error, done) => (error ? reject(error as Error) : resolve(done)),
    );
    instance.on("response", (_client, statusCode) => {
      if (statusCode !== options.expectStatus) unexpected++;
    });
  });
  return {
    requests_per_s: result.requests.average,
    latency_ms: { p50: result.latency.p50, p99: result.latency.p99 },
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    unexpected,
  };
}
