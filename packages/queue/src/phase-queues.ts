import { Queue } from "bullmq";
import type { RedisClient } from "./redis-connection.js";
import { PHASES, type Phase } from "@orch/core";
import { JOB_CATALOG, phaseJobOptions, type PhaseJobPolicy, type PhasePayload } from "./job-catalog.js";

/** The three phase queues, for producers (the API and the phases that chain the next one). */
export class PhaseQueues {
  readonly queues: Readonly<Record<Phase, Queue<PhasePayload>>>;

  constructor(
    connection: RedisClient,
    private readonly prefix: string,
    private readonly policy: PhaseJobPolicy,
  ) {
    this.queues = Object.fromEntries(
      PHASES.map((phase) => {
        const queue = new Queue<PhasePayload>(phase, { connection, prefix });
        // Connection errors are reported once by the connection's own listener (createRedis);
        // without a listener here BullMQ would print each one again.
        queue.on("error", () => undefined);
        return [phase, queue];
      }),
    ) as Record<Phase, Queue<PhasePayload>>;
  }

  /**
   * Adds the phase job of `jobId`. The id is deterministic, so adding it twice while the first
   * is still in the queue is a no-op; the job record guards against a re-run after retention.
   */
  async enqueue(phase: Phase, jobId: string, round = 1): Promise<void> {
    const spec = JOB_CATALOG[phase];
    await this.queues[phase].add(
      phase,
      { job_id: jobId, ...(round > 1 ? { round } : {}) },
      { ...phaseJobOptions(this.policy), jobId: spec.jobId(jobId, round) },
    );
  }

  /** Removes a phase job that has not started (cancellation); a running one is left to stop itself. */
  async removeWaiting(phase: Phase, jobId: string, round = 1): Promise<boolean> {
    const job = await this.queues[phase].getJob(JOB_CATALOG[phase].jobId(jobId, round));
    if (!job) return false;
    const state = await job.getState();
    if (state !== "waiting" && state !== "delayed" && state !== "prioritized") return false;
    try {
      await job.remove();
      return true;
    } catch {
      return false;
    }
  }

  /** Jobs waiting, active and delayed per queue (readiness, metrics). */
  async depths(): Promise<Record<Phase, Record<string, number>>> {
    const entries = await Promise.all(
      PHASES.map(
        async (phase) =>
          [phase, await this.queues[phase].getJobCounts("waiting", "active", "delayed", "failed")] as const,
      ),
    );
    return Object.fromEntries(entries) as Record<Phase, Record<string, number>>;
  }

  get queuePrefix(): string {
    return this.prefix;
  }

  async close(): Promise<void> {
    await Promise.all(PHASES.map((p) => this.queues[p].close()));
  }
}
