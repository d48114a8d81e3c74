/** Which requests a fault applies to, and how many times. */
interface FaultMatch {
  /** Only requests whose path starts with this (e.g. "/api/v1/query"); all when absent. */
  readonly path?: string;
  /** How many matching requests it affects; default 1, `Infinity` for all. */
  readonly times?: number;
}

/** A fault the fake Datadog injects into its next matching responses. */
export type FakeDatadogFault = FaultMatch &
  (
    | {
        /** 429 with Datadog's X-RateLimit-* headers, or only a standard Retry-After. */
        readonly kind: "rate_limit";
        /**
         * Seconds until the limit resets (X-RateLimit-Reset); default 1 unless `retry_after_s` is
         * given. Real limits reset up to an hour away (GET /api/v1/metrics: 100 requests per 3600 s).
         */
        readonly reset_s?: number;
        /** X-RateLimit-Period, seconds; default 10. */
        readonly period_s?: number;
        /** X-RateLimit-Limit; default 100. */
        readonly limit?: number;
        /** Seconds in a `Retry-After` header; alone (without `reset_s`) it is the only hint sent, as a proxy would. */
        readonly retry_after_s?: number;
      }
    /**
     * Answers with exactly this status, body and headers (the body as JSON unless a string):
     * another implementation's wire format, an odd record, a page served twice.
     */
    | {
        readonly kind: "respond";
        readonly status?: number;
        readonly body: unknown;
        readonly headers?: Readonly<Record<string, string>>;
      }
    | { readonly kind: "server_error"; readonly status?: number }
    /** Answers normally, after a delay. */
    | { readonly kind: "slow"; readonly delay_ms: number }
    /** 200 with a body that is not valid JSON. */
    | { readonly kind: "malformed" }
    /** Accepts the connection and destroys it without answering. */
    | { readonly kind: "disconnect" }
  );

/** The faults injected and not yet used up, in injection order. */
export class FaultQueue {
  private faults: Array<{ fault: FakeDatadogFault; left: number }> = [];

  add(fault: FakeDatadogFault): void {
    this.faults.push({ fault, left: fault.times ?? 1 });
  }

  /** Takes the first fault matching `path`, consuming one use. */
  take(path: string): FakeDatadogFault | undefined {
    const entry = this.faults.find(
      (f) => f.left > 0 && (f.fault.path === undefined || path.startsWith(f.fault.path)),
    );
    if (!entry) return undefined;
    entry.left -= 1;
    this.faults = this.faults.filter((f) => f.left > 0);
    return entry.fault;
  }

  clear(): void {
    this.faults = [];
  }
}
