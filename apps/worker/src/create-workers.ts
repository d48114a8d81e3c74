import { Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { PHASES, type Phase } from "@orch/core";
import { JobEvents, type JobStore, type PhasePayload, type PhaseQueues } from "@orch/queue";
import { DeadlineSweeper } from "./deadline-sweeper.js";
import { PhaseRunner, type AfterComplete, type PhaseHandler, type PhaseObserver } from "./phase-runner.js";
import type { PhaseDeps } from "./phases/phase-deps.js";
import { planningPhase } from "./phases/planning-phase.js";
import { executionPhase } from "./phases/execution-phase.js";
import { feedbackPhase } from "./phases/feedback-phase.js";

export interface WorkerOptions {
  readonly prefix: string;
  readonly concurrency: Readonly<Record<Phase, number>>;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
}

export interface CreateWorkersInput {
  /** Blocking connection for BullMQ workers (maxRetriesPerRequest: null). */
  readonly connection: Redis;
  /** A dedicated connection for the job-events subscription (cancellation). */
  readonly subscriber: Redis;
  readonly store: JobStore;
  readonly queues: PhaseQueues;
  readonly deps: PhaseDeps;
  readonly log: Logger;
  readonly options: WorkerOptions;
  readonly afterComplete?: AfterComplete;
  /** Sees every phase run (metrics). */
  readonly observer?: PhaseObserver;
}

export interface WorkerSet {
  readonly workers: readonly Worker<PhasePayload>[];
  readonly sweeper: DeadlineSweeper;
  /** Stops taking jobs, lets running phases finish, and closes. */
  close(): Promise<void>;
}

const HANDLERS: Readonly<Record<Phase, (deps: PhaseDeps) => PhaseHandler>> = {
  planning: (deps) => (ctx) => planningPhase(deps, ctx),
  execution: (deps) => (ctx) => executionPhase(deps, ctx),
  feedback: (deps) => (ctx) => feedbackPhase(deps, ctx),
};

/** One BullMQ worker per phase queue, sharing a runner, plus the deadline sweeper. */
export async function createWorkers(input: CreateWorkersInput): Promise<WorkerSet> {
  const events = new JobEvents(input.subscriber);
  await events.start();
  const runner = new PhaseRunner({
    store: input.store,
    queues: input.queues,
    events,
    log: input.log,
    ...(input.afterComplete ? { afterComplete: input.afterComplete } : {}),
    ...(input.observer ? { observer: input.observer } : {}),
  });
  const workers = PHASES.map((phase) => {
    const handler = HANDLERS[phase](input.deps);
    const worker = new Worker<PhasePayload>(
      phase,
      (job: Job<PhasePayload>) => runner.run(phase, job, handler),
      {
        connection: input.connection,
        prefix: input.options.prefix,
        concurrency: input.options.concurrency[phase],
        lockDuration: input.options.lockDurationMs,
        stalledInterval: input.options.stalledIntervalMs,
        maxStalledCount: 3,
      },
    );
    worker.on("failed", (job, error) => {
      // Stalled too often, or failed outside our processor: make sure the record says so.
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
      const id = job.data.job_id;
      input.store
        .end(id, "failed", { code: "internal", message: `${phase} failed: ${error.message}`, phase })
        .catch((err: unknown) => input.log.warn({ err, jobId: id }, "could not mark job failed"));
    });
    worker.on("error", (error) => input.log.error({ err: error, phase }, "worker error"));
    return worker;
  });
  const sweeper = new DeadlineSweeper(input.store, input.log);
  sweeper.start();
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    workers,
    sweeper,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      runner.close();
      await sweeper.stop();
      await events.close();
    },
  };
}
