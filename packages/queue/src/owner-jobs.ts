import type { RedisClient } from "./redis-connection.js";
import type { JobStatus } from "@orch/core";
import { globalKeys } from "./job-keys.js";
import type { StoredJob } from "./job-record.js";
import { newJobId } from "./job-id.js";
import { INDEX_OWNER_JOB } from "./job-scripts.js";

/** What GET /jobs asks for: a page after a position, optionally filtered. */
export interface OwnerJobsQuery {
  readonly limit: number;
  /** The last job id of the previous page (from the opaque cursor). */
  readonly after?: string;
  readonly status?: JobStatus;
  readonly serviceId?: string;
  /** Only jobs created at or after this time (epoch ms). */
  readonly since?: number;
}

export interface OwnerJobsPage {
  readonly jobs: readonly StoredJob[];
  /** The last job id this page looked at, when more may follow. */
  readonly after?: string;
}

/** Index entries read per round trip while filling a filtered page. */
const SCAN_BATCH = 100;
/** Entries one request looks at, at most: a page may come back short, with a cursor to go on. */
const SCAN_LIMIT = 1000;

/**
 * Each owner's jobs, newest first: a sorted set per owner whose members are job ids, all with
 * score 0, so Redis orders them by id — and ids start with their creation time, so that order is
 * time order, stable under concurrent inserts (a page boundary is an id, not an offset). Entries
 * older than the retention are trimmed when a job is added; entries whose record expired earlier
 * are dropped when a read meets them.
 */
export class OwnerJobs {
  constructor(
    private readonly redis: RedisClient,
    private readonly retentionSeconds: number,
  ) {
    void INDEX_OWNER_JOB.define(redis);
  }

  /**
   * Adds a new job to its owner's index and in-flight set (sent with the record's own writes) and
   * resolves to the owner's jobs in flight before it: one command, one script on the owner's slot.
   */
  add(
    job: { owner: string; id: string; deadlineMs: number },
    now: number,
    ttlSeconds: number,
  ): Promise<number> {
    const oldest = newJobId(now - this.retentionSeconds * 1000).slice(0, 9);
    return INDEX_OWNER_JOB.run(
      this.redis,
      [globalKeys.inFlight(job.owner), globalKeys.ownerJobs(job.owner)],
      [now, job.id, job.deadlineMs, Math.ceil((job.deadlineMs - now) / 1000) + 60, oldest, ttlSeconds],
    ) as Promise<number>;
  }

  remove(owner: string, id: string): Promise<unknown> {
    return this.redis.zrem(globalKeys.ownerJobs(owner), id);
  }

  /** One page of the owner's jobs, newest first, read through `load` (the job store). */
  async page(
    owner: string,
    query: OwnerJobsQuery,
    load: (ids: readonly string[]) => Promise<ReadonlyArray<StoredJob | undefined>>,
  ): Promise<OwnerJobsPage> {
    const key = globalKeys.ownerJobs(owner);
    // Ids sort by time, so `since` is a lower bound on ids: the id prefix of that moment.
    const min = query.since !== undefined ? `[${newJobId(query.since).slice(0, 9)}` : "-";
    const jobs: StoredJob[] = [];
    let max = query.after !== undefined ? `(${query.after}` : "+";
    let scanned = 0;
    let last: string | undefined;
    for (;;) {
      const ids = await this.redis.zrevrangebylex(key, max, min, "LIMIT", 0, SCAN_BATCH);
      if (ids.length === 0) return { jobs };
      const records = await load(ids);
      const gone: string[] = [];
      for (const [i, id] of ids.entries()) {
        scanned += 1;
        last = id;
        const job = records[i];
        if (!job || job.owner !== owner) {
          gone.push(id);
        } else if (matches(job, query)) {
          jobs.push(job);
          if (jobs.length === query.limit) break;
        }
      }
      if (gone.length > 0) await this.redis.zrem(key, ...gone);
      if (jobs.length === query.limit) {
        // A full page: whether more follow is only known by asking; one entry is enough.
        const more = await this.redis.zrevrangebylex(key, `(${last}`, min, "LIMIT", 0, 1);
        return more.length > 0 ? { jobs, after: last } : { jobs };
      }
      if (ids.length < SCAN_BATCH) return { jobs };
      if (scanned >= SCAN_LIMIT) return { jobs, after: last };
      max = `(${last}`;
    }
  }
}

function matches(job: StoredJob, query: OwnerJobsQuery): boolean {
  if (query.status !== undefined && job.status !== query.status) return false;
  if (query.serviceId !== undefined && job.request.service_id !== query.serviceId) return false;
  if (query.since !== undefined && Date.parse(job.created_at) < query.since) return false;
  return true;
}
