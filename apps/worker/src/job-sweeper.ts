import { isConnectionError, type RedisOutageLog } from "@orch/queue";
import type { Logger } from "pino";
import type { JobStore } from "@orch/queue";
import type { JobEndHooks } from "./job-end-hooks.js";

export interface JobSweeperOptions {
  readonly store: JobStore;
  readonly log: Logger;
  /** Connection errors during a Redis outage go here (logged once per outage), not to the log. */
  readonly outage?: RedisOutageLog;
  /** Queues a job's planning phase (idempotent: its BullMQ id is deterministic). */
  readonly queuePlanning: (id: string) => Promise<void>;
  readonly intervalMs?: number;
  /** How long a submitted job may stay unconfirmed before it is queued again. */
  readonly strandedAfterMs?: number;
  /** End hooks: the jobs this sweeper ends get theirs, and those left unconfirmed are run again. */
  readonly endHooks?: JobEndHooks;
}

/**
 * Every worker runs one. It ends jobs that outlived their deadline while no phase was running
 * (no worker, a stuck queue), so no client waits forever, and queues the planning phase of jobs
 * whose submitter died between writing the record and queueing it, so no accepted job is lost.
 * It also runs again the end hooks (session, webhook, backend) of jobs whose ending process died
 * or failed before confirming them. All are safe to repeat: ending a job twice, re-adding a
 * queued phase and running idempotent hooks again are no-ops.
 */
export class JobSweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private readonly intervalMs: number;
  private readonly strandedAfterMs: number;

  constructor(private readonly options: JobSweeperOptions) {
    this.intervalMs = options.intervalMs ?? 5000;
    this.strandedAfterMs = options.strandedAfterMs ?? 15_000;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .then(() => undefined)
        .finally(() => {
          this.sweeping = undefined;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One pass; returns how many jobs it ended, queued again, and whose end hooks it ran again. */
  async sweep(): Promise<{ ended: number; requeued: number; redriven: number }> {
    const { store, log, endHooks } = this.options;
    let ended = 0;
    let requeued = 0;
    let redriven = 0;
    try {
      for (const id of await store.expired()) {
        const end = () =>
          store.end(id, "failed", {
            code: "deadline_exceeded",
            message: "the job did not finish before its deadline",
          });
        const status = await (endHooks ? endHooks.ending(id, end) : end());
        if (status === "failed") ended += 1;
      }
      for (const id of await store.unqueued(this.strandedAfterMs)) {
        const status = await store.status(id);
        if (status === "queued") {
          await this.options.queuePlanning(id);
          requeued += 1;
        }
        await store.markQueued(id);
      }
      if (endHooks) redriven = await endHooks.redrive();
    } catch (error) {
      if (this.options.outage && error instanceof Error && isConnectionError(error))
        this.options.outage.error(error, "job sweeper");
      else log.warn({ err: error }, "job sweep failed");
    }
    if (ended > 0) log.warn({ ended }, "jobs ended at their deadline");
    if (requeued > 0) log.warn({ requeued }, "stranded jobs queued again");
    if (redriven > 0) log.warn({ redriven }, "end hooks of ended jobs run again");
    return { ended, requeued, redriven };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }
}
