import type { Logger } from "pino";
import type { JobStore } from "@orch/queue";

/**
 * Ends jobs that outlived their deadline while no phase was running (no worker, a stuck queue),
 * so no client waits forever. Every worker runs one; ending a job twice is a no-op.
 */
export class DeadlineSweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly log: Logger,
    private readonly intervalMs = 5000,
  ) {}

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

  async sweep(): Promise<number> {
    let ended = 0;
    try {
      for (const id of await this.store.expired()) {
        const status = await this.store.end(id, "failed", {
          code: "deadline_exceeded",
          message: "the job did not finish before its deadline",
        });
        if (status === "failed") ended += 1;
      }
    } catch (error) {
      this.log.warn({ err: error }, "deadline sweep failed");
    }
    if (ended > 0) this.log.warn({ ended }, "jobs ended at their deadline");
    return ended;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }
}
