import { createHash } from "node:crypto";
import { AppError, Conflict, sleep } from "@orch/core";
import {
  LuaScript,
  globalKeys,
  newJobId,
  type JobStore,
  type StoredJob,
  type RedisClient,
} from "@orch/queue";

export interface IdempotencyOptions {
  /** How long a key keeps answering with its job; 24 h by default. */
  readonly ttlSeconds?: number;
  /** How long a repeat waits for the first request with its key to finish submitting. */
  readonly waitMs?: number;
  readonly now?: () => number;
}

/** What a key is bound to: the job it created, and the route and fingerprint of the request that created it. */
interface Binding {
  readonly job_id: string;
  readonly fingerprint: string;
  /** Absent in bindings written before routes were recorded. */
  readonly route?: string;
  readonly at: number;
}

/** The request a key is used for: its route and its fingerprint (requestFingerprint). */
export interface KeyedRequest {
  readonly route: string;
  readonly fingerprint: string;
}

export interface IdempotentResult {
  readonly job: StoredJob;
  /** True when the key had already created this job. */
  readonly replayed: boolean;
}

/** Deletes the key's claim only while it is still ours. */
const RELEASE = LuaScript.fromFile(new URL("../lua/release-key.lua", import.meta.url));

/** JSON with sorted keys, so the same request always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The fingerprint of a validated request on a route. */
export function requestFingerprint(route: string, body: unknown): string {
  return createHash("sha256")
    .update(`${route}\n${canonical(body)}`)
    .digest("hex");
}

/**
 * Idempotency-Key: one job per (owner, key) for 24 h. The key is claimed with SET NX before the
 * job exists, bound to a job id chosen up front, so two concurrent requests with the same key
 * create one job: the loser waits for the winner's record and answers with it.
 */
export class Idempotency {
  private readonly ttlSeconds: number;
  private readonly waitMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly store: JobStore,
    options: IdempotencyOptions = {},
  ) {
    this.ttlSeconds = options.ttlSeconds ?? 86_400;
    void RELEASE.define(redis);
    this.waitMs = options.waitMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  /** Runs `submit` once per owner and key; a repeat with the same request gets the same job. */
  async submitOnce(
    owner: string,
    key: string,
    request: KeyedRequest,
    submit: (id: string) => Promise<StoredJob>,
  ): Promise<IdempotentResult> {
    const { route, fingerprint } = request;
    const slot = globalKeys.idempotency(owner, key);
    const deadline = this.now() + this.waitMs;
    for (;;) {
      const binding: Binding = { job_id: newJobId(this.now()), fingerprint, route, at: this.now() };
      const value = JSON.stringify(binding);
      if ((await this.redis.set(slot, value, "EX", this.ttlSeconds, "NX")) === "OK") {
        try {
          return { job: await submit(binding.job_id), replayed: false };
        } catch (error) {
          // The job was not accepted: free the key so the client's retry can submit again.
          await RELEASE.run(this.redis, [slot], [value]).catch(() => undefined);
          throw error;
        }
      }
      const raw = await this.redis.get(slot);
      if (raw === null) continue; // released or expired between the two commands: claim again
      const existing = JSON.parse(raw) as Binding;
      if (existing.fingerprint !== fingerprint) {
        throw new AppError(
          "unprocessable",
          existing.route !== undefined && existing.route !== route
            ? `Idempotency-Key "${key}" was already used on ${existing.route} (job ${existing.job_id}), not ${route}; a key stands for one request on one route, so use a new key here.`
            : `Idempotency-Key "${key}" was already used with a different request (job ${existing.job_id}); use a new key for a new request.`,
          { job_id: existing.job_id },
        );
      }
      const job = await this.store.getOwned(existing.job_id, owner);
      if (job) return { job, replayed: true };
      if (this.now() > deadline) {
        throw new Conflict(
          this.now() - existing.at > this.waitMs
            ? `The job created with Idempotency-Key "${key}" is no longer stored; use a new key.`
            : `A request with Idempotency-Key "${key}" is still being processed; retry shortly.`,
          { job_id: existing.job_id },
        );
      }
      await sleep(25);
    }
  }
}
