import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { isCluster, isConnectionError, LuaScript, type RedisClient, type RedisOutageLog } from "@orch/queue";

/**
 * Releases the lock of an active BullMQ job still marked as processed by `ARGV[1]` and marks it
 * stalled, so the next stalled check moves it back to wait. Checked and done in one step: a job
 * that another worker took meanwhile carries that worker's name and is left alone.
 * KEYS: job hash, its lock, the queue's stalled set. ARGV: dead worker name, job id.
 */
const RELEASE = new LuaScript(
  `if redis.call('HGET', KEYS[1], 'pb') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
redis.call('SADD', KEYS[3], ARGV[2])
return 1`,
  "orch_release_dead_lock",
);

/** A worker name (BullMQ's `name` option) unique to this process. */
export function workerName(): string {
  return `orch-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/**
 * The Redis connection name that shows the process named `name` alive: its BullMQ connection
 * carries it (ioredis sets it again on every reconnection, and BullMQ's duplicates inherit it),
 * from before its workers take a job until after they finished their last one. (BullMQ's own
 * blocking connection, named after the worker too, closes first when a worker drains.)
 */
export function liveConnectionName(name: string): string {
  return `orch-live:${name}`;
}

export interface DeadWorkerLocksOptions {
  readonly redis: RedisClient;
  /** BullMQ's key prefix (`{orch}`). */
  readonly prefix: string;
  readonly queues: readonly string[];
  readonly log: Logger;
  readonly outage?: RedisOutageLog;
  /** How often to look; a holder must be missing from two looks in a row. Default 1 s. */
  readonly everyMs?: number;
}

/**
 * A worker process killed outright leaves its phase jobs locked until the locks expire
 * (`lock_duration_ms`). Its Redis connections close with it, though: every worker process names
 * its BullMQ workers (the `name` option, which BullMQ writes on each job it takes as `pb`) and
 * its connection after itself (`liveConnectionName`), so a job whose `pb` no connection carries
 * in two looks in a row belongs to a dead process. Its lock is released at once and the stalled check
 * hands it to a live worker within `stalled_interval_ms`. A worker cut off from Redis for longer
 * than two looks may lose its jobs the same way; the record's guards make the repeat harmless.
 */
export class DeadWorkerLocks {
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<unknown> | undefined;
  /** Jobs whose holder was missing at the last look: `queue id holder`. */
  private suspects = new Set<string>();

  constructor(private readonly options: DeadWorkerLocksOptions) {
    void RELEASE.define(options.redis);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.looking ??= this.look().finally(() => {
        this.looking = undefined;
      });
    }, this.options.everyMs ?? 1000);
    this.timer.unref();
  }

  /** One look; returns how many locks it released. */
  async look(): Promise<number> {
    const { redis, prefix, queues, log } = this.options;
    try {
      // In a Cluster a process is connected to several masters: it is alive if any lists it.
      const lists = isCluster(redis)
        ? await Promise.all(redis.nodes("master").map((node) => node.client("LIST") as Promise<string>))
        : [(await redis.client("LIST")) as string];
      const list = lists.join("\n");
      const live = new Set<string>();
      for (const match of list.matchAll(/ name=orch-live:(\S+)/g)) live.add(match[1]!);
      const active = await Promise.all(queues.map((q) => redis.lrange(`${prefix}:${q}:active`, 0, -1)));
      const jobs = queues.flatMap((queue, i) => active[i]!.map((id) => ({ queue, id })));
      const holders = await Promise.all(
        jobs.map(({ queue, id }) => redis.hget(`${prefix}:${queue}:${id}`, "pb")),
      );
      const suspects = new Set<string>();
      const release: Array<{ queue: string; id: string; holder: string }> = [];
      jobs.forEach((job, i) => {
        const holder = holders[i];
        if (!holder || live.has(holder)) return;
        const key = `${job.queue} ${job.id} ${holder}`;
        suspects.add(key);
        if (this.suspects.has(key)) release.push({ ...job, holder });
      });
      this.suspects = suspects;
      const released = await Promise.all(
        release.map(({ queue, id, holder }) => {
          const jobKey = `${prefix}:${queue}:${id}`;
          return RELEASE.run(redis, [jobKey, `${jobKey}:lock`, `${prefix}:${queue}:stalled`], [holder, id]);
        }),
      );
      const count = released.filter((r) => r === 1).length;
      if (count > 0)
        log.warn(
          { released: count, holders: [...new Set(release.map((r) => r.holder))] },
          "released the phase jobs of worker processes that are gone",
        );
      return count;
    } catch (error) {
      if (this.options.outage && error instanceof Error && isConnectionError(error))
        this.options.outage.error(error, "dead worker check");
      else if (error instanceof Error && /unknown command|NOPERM|not allowed/i.test(error.message)) {
        // A managed Redis without CLIENT LIST: dead workers' jobs come back when their locks expire.
        log.warn({ err: error }, "CLIENT LIST refused: dead workers' jobs wait for their locks to expire");
        this.stop();
      } else log.warn({ err: error }, "dead worker check failed");
      return 0;
    }
  }

  /** Stops looking (a look under way finishes on its own; releasing is safe at any moment). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
