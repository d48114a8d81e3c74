/**
 * How long to wait before retry number `retry` (0 for the first): exponential backoff with full
 * jitter, a random time up to `baseMs · 2^retry` capped at `maxMs`, so clients that failed together
 * do not retry together. The one backoff policy of every retry loop.
 */
export function retryDelayMs(retry: number, baseMs: number, maxMs = Number.POSITIVE_INFINITY): number {
  return Math.random() * Math.min(maxMs, baseMs * 2 ** retry);
}
