import { createHash } from "node:crypto";
import type { TimeWindow } from "@orch/core";

/**
 * Aligns a window DOWN to whole buckets at both ends, so that "last hour" asked a few seconds
 * apart names the same entry; the aligned window is what gets read. A window shorter than a
 * bucket keeps one bucket.
 */
export function alignWindow(window: TimeWindow, bucketSeconds: number): TimeWindow {
  const bucket = bucketSeconds * 1000;
  const start = Math.floor(window.start / bucket) * bucket;
  const end = Math.max(Math.floor(window.end / bucket) * bucket, start + bucket);
  return { start, end, label: window.label };
}

/** A short cache key for a normalised request: sha1 of its parts, hex. */
export function cacheKey(parts: readonly unknown[]): string {
  return createHash("sha1").update(JSON.stringify(parts)).digest("hex");
}

export interface CacheTtls {
  readonly bucket_seconds: number;
  readonly ttl_live_seconds: number;
  readonly ttl_past_seconds: number;
}

/** Short TTL while the window reaches into the current bucket (data still arriving), long once it is past. */
export function ttlFor(window: TimeWindow | undefined, now: number, ttls: CacheTtls): number {
  if (window === undefined) return ttls.ttl_live_seconds;
  const live = window.end + ttls.bucket_seconds * 1000 > now;
  return live ? ttls.ttl_live_seconds : ttls.ttl_past_seconds;
}
