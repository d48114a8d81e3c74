import type { RedisClient } from "./redis-connection.js";
import { jobKeys } from "./job-keys.js";

/** One entry of a job's event stream: a status change, a step, a phase saved, a retry, the end. */
export interface JobStreamEvent {
  /** The stream entry id ("<ms>-<seq>"), used as the SSE event id. */
  readonly id: string;
  readonly type: string;
  /** The JSON payload, as written. */
  readonly data: string;
}

/** Stream entry ids compare as (ms, seq) pairs. */
export const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/**
 * Entries of job `id` strictly after `after` (from the start when absent), oldest first, at
 * most `count`. A plain XRANGE on a shared connection: readers never block a connection.
 */
export async function readJobEvents(
  redis: RedisClient,
  id: string,
  after: string | undefined,
  count = 500,
): Promise<JobStreamEvent[]> {
  const start = after ? `(${after}` : "-";
  const entries = await redis.xrange(jobKeys.events(id), start, "+", "COUNT", count);
  return entries.map(([entryId, fields]) => {
    let type = "message";
    let data = "{}";
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] === "type") type = fields[i + 1] ?? type;
      else if (fields[i] === "data") data = fields[i + 1] ?? data;
    }
    return { id: entryId, type, data };
  });
}

/** True when stream id `a` is at or after `b`. */
export function streamIdAtOrAfter(a: string, b: string): boolean {
  const [am = 0n, as = 0n] = a.split("-").map((p) => BigInt(p));
  const [bm = 0n, bs = 0n] = b.split("-").map((p) => BigInt(p));
  return am > bm || (am === bm && as >= bs);
}
