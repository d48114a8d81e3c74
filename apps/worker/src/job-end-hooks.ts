import type { Logger } from "pino";
import { isTerminal } from "@orch/core";
import { LuaScript, globalKeys, type JobStore, type StoredJob, type RedisClient } from "@orch/queue";

/** A side effect of a job ending (its session, its webhook, the backend). It may run more than once. */
export interface EndHook {
  readonly name: string;
  readonly run: (job: StoredJob) => Promise<void>;
}

/** Where jobs wait whose end hooks are not confirmed yet (single-key commands only). */
export const PENDING_END_HOOKS_KEY = globalKeys.pendingEndHooks;

/** Claims a due mark with a compare-and-set on its score, so one sweeper runs its hooks. */
const CLAIM = LuaScript.fromFile(new URL("./lua/claim-end-hooks.lua", import.meta.url));

export interface JobEndHooksOptions {
  readonly redis: RedisClient;
  readonly store: JobStore;
  /** Run in order; each must be idempotent (keyed by the job id). */
  readonly hooks: readonly EndHook[];
  readonly log: Logger;
  /** How long the process that ends a job has to confirm its hooks before others run them again. */
  readonly retryAfterMs?: number;
  /** Hooks still failing this long after the job ended are given up (and logged as an error). */
  readonly giveUpAfterMs?: number;
  readonly now?: () => number;
}

/**
 * At-least-once side effects of a job's end. A process about to end a job first marks it pending
 * (in the same socket write as the transition), then ends it, runs its hooks and confirms. If the
 * process dies in between or a hook fails, the mark stays: a redelivered phase job that finds the
 * job ended, or any worker's sweeper once the mark is due, runs the hooks again. Hooks are
 * idempotent, so running them twice is harmless; never running them is what this prevents.
 */
export class JobEndHooks {
  private readonly retryAfterMs: number;
  private readonly giveUpAfterMs: number;
  private readonly now: () => number;

  constructor(private readonly options: JobEndHooksOptions) {
    this.retryAfterMs = options.retryAfterMs ?? 30_000;
    this.giveUpAfterMs = options.giveUpAfterMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
    void CLAIM.define(options.redis);
  }

  /**
   * Runs `transition` (a save or an end that may end job `id`) with the job's end hooks made
   * durable. The pending mark is sent first, in the same tick, so it reaches Redis before the
   * transition does; the hooks run after it (if the job ended), then the mark is removed.
   */
  async ending<T>(id: string, transition: () => Promise<T>): Promise<T> {
    const marked = this.options.redis
      .zadd(PENDING_END_HOOKS_KEY, this.now() + this.retryAfterMs, id)
      .catch((error: unknown) => this.options.log.warn({ err: error, jobId: id }, "end hooks not marked"));
    const result = await transition();
    await marked;
    await this.settle(id);
    return result;
  }

  /**
   * Runs the hooks of job `id` if it ended, then confirms them. Never throws: a failing hook is
   * logged and its mark is left for a later attempt.
   */
  async settle(id: string): Promise<void> {
    const { store, hooks, log, redis } = this.options;
    let job: StoredJob | undefined;
    try {
      job = await store.get(id, ["feedback"]);
      if (job && isTerminal(job.status)) {
        for (const hook of hooks) await hook.run(job);
      }
      // Not ended (the transition was refused or never ran) or gone: nothing is owed.
      await redis.zrem(PENDING_END_HOOKS_KEY, id);
    } catch (error) {
      const endedAt = job?.finished_at ? Date.parse(job.finished_at) : this.now();
      if (this.now() - endedAt > this.giveUpAfterMs) {
        log.error({ err: error, jobId: id }, "job end hooks still failing; giving up");
        await redis.zrem(PENDING_END_HOOKS_KEY, id).catch(() => undefined);
        return;
      }
      log.warn({ err: error, jobId: id }, "job end hooks failed; they will run again");
      await redis
        .zadd(PENDING_END_HOOKS_KEY, "XX", this.now() + this.retryAfterMs, id)
        .catch(() => undefined);
    }
  }

  /** A redelivered phase job found job `id` ended: runs its hooks if they were never confirmed. */
  async settleIfPending(id: string): Promise<void> {
    const score = await this.options.redis.zscore(PENDING_END_HOOKS_KEY, id);
    if (score !== null) await this.settle(id);
  }

  /**
   * Runs the hooks whose mark is due (their process died, or a hook failed); returns how many.
   * Each is claimed first by pushing its mark into the future, so of several sweepers one runs it.
   */
  async redrive(limit = 100): Promise<number> {
    const { redis } = this.options;
    const due = await redis.zrangebyscore(
      PENDING_END_HOOKS_KEY,
      "-inf",
      String(this.now()),
      "WITHSCORES",
      "LIMIT",
      0,
      limit,
    );
    let settled = 0;
    for (let i = 0; i + 1 < due.length; i += 2) {
      const [id, score] = [due[i]!, due[i + 1]!];
      const claimed = await CLAIM.run(
        redis,
        [PENDING_END_HOOKS_KEY],
        [id, score, this.now() + this.retryAfterMs],
      );
      if (claimed !== 1) continue;
      await this.settle(id);
      settled += 1;
    }
    return settled;
  }
}
