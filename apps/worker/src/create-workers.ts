import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Logger } from "pino";
import { PHASES, type Phase } from "@orch/core";
import {
  JobEvents,
  phasePayloadSchema,
  type JobStore,
  type PhasePayload,
  type PhaseQueues,
  isConnectionError,
  type RedisOutageLog,
  type RedisClient,
} from "@orch/queue";
import type { JobEndHooks } from "./job-end-hooks.js";
import { JobSweeper } from "./job-sweeper.js";
import { DeadWorkerLocks } from "./dead-worker-locks.js";
import { PhaseRunner, type PhaseHandler, type PhaseObserver } from "./phase-runner.js";
import type { PhaseDeps } from "./phases/phase-deps.js";
import { planningPhase } from "./phases/planning-phase.js";
import { executionPhase } from "./phases/execution-phase.js";
import { feedbackPhase } from "./phases/feedback-phase.js";

export interface WorkerOptions {
  readonly prefix: string;
  readonly concurrency: Readonly<Record<Phase, number>>;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  /** Run a job's next phase inline when this process has room for it (default); false: always queue it. */
  readonly inline?: boolean;
}

export interface CreateWorkersInput {
  /**
   * Blocking connection for BullMQ workers (maxRetriesPerRequest: null), named
   * `liveConnectionName(workerName)`: while it is connected, this process's jobs are its own.
   */
  readonly connection: RedisClient;
  /** This process's worker name (see `workerName`), the one `connection` carries. */
  readonly workerName: string;
  /** A dedicated connection for the job-events subscription (cancellation). */
  readonly subscriber: RedisClient;
  readonly store: JobStore;
  readonly queues: PhaseQueues;
  readonly deps: PhaseDeps;
  readonly log: Logger;
  readonly options: WorkerOptions;
  /** The job's end side effects (session, webhook, backend), at least once. */
  readonly endHooks?: JobEndHooks;
  /** Sees every phase run (metrics). */
  readonly observer?: PhaseObserver;
  /** Queues a job the sweeper found never queued (default: its planning phase). */
  readonly requeue?: (id: string) => Promise<void>;
  /** Connection errors during a Redis outage go here (logged once per outage), not to the log. */
  readonly outage?: RedisOutageLog;
}

export interface WorkerSet {
  readonly workers: readonly Worker<PhasePayload>[];
  /** The process's job-events subscription (cancellations, ends). */
  readonly events: JobEvents;
  readonly sweeper: JobSweeper;
  /** This process's BullMQ worker name (`pb` on the jobs it takes). */
  readonly name: string;
  /** Stops taking jobs, lets running phases finish, and closes. */
  close(): Promise<void>;
}

const HANDLERS: Readonly<Record<Phase, (deps: PhaseDeps) => PhaseHandler>> = {
  planning: (deps) => (ctx) => planningPhase(deps, ctx),
  execution: (deps) => (ctx) => executionPhase(deps, ctx),
  feedback: (deps) => (ctx) => feedbackPhase(deps, ctx),
};

/** BullMQ retries no more: an unrecoverable error (stalled too often included), or the last attempt. */
function failedForGood(job: Job<PhasePayload>, error: Error): boolean {
  return (
    error instanceof UnrecoverableError ||
    error.name === "UnrecoverableError" ||
    job.attemptsMade >= (job.opts.attempts ?? 1)
  );
}

/** BullMQ's reasons in words a client understands. */
function describeFailure(error: Error): string {
  if (/stalled more than allowable limit/.test(error.message)) {
    return `its worker stopped or lost the job too many times (BullMQ: ${error.message}); it is not retried again`;
  }
  if (/started more than allowable limit/.test(error.message)) {
    return `it was started too many times (BullMQ: ${error.message}); it is not retried again`;
  }
  return error.message;
}

/** One BullMQ worker per phase queue, sharing a runner, plus the deadline sweeper. */
export async function createWorkers(input: CreateWorkersInput): Promise<WorkerSet> {
  const events = new JobEvents(input.subscriber);
  await events.start();
  const handlers = Object.fromEntries(PHASES.map((phase) => [phase, HANDLERS[phase](input.deps)])) as Record<
    Phase,
    PhaseHandler
  >;
  const byPhase = new Map<Phase, Worker<PhasePayload>>();
  const runner: PhaseRunner = new PhaseRunner({
    store: input.store,
    queues: input.queues,
    events,
    log: input.log,
    ...(input.endHooks ? { endHooks: input.endHooks } : {}),
    ...(input.observer ? { observer: input.observer } : {}),
    // A phase runs inline in its predecessor's job while this process's worker of that phase runs
    // (not closing) with a slot free; the predecessor's slot stays taken, so the process never runs
    // more phases at once than its workers' concurrencies add up to.
    ...(input.options.inline === false
      ? {}
      : {
          inline: {
            handlers,
            canRun: (phase: Phase) => {
              const worker = byPhase.get(phase);
              return (
                worker !== undefined &&
                worker.isRunning() &&
                worker.closing === undefined &&
                runner.inFlight(phase) < input.options.concurrency[phase]
              );
            },
          },
        }),
  });
  // One name for the process's workers: a job whose `pb` no live connection carries is a dead one's.
  const name = input.workerName;
  const workers = PHASES.map((phase) => {
    const handler = handlers[phase];
    const worker = new Worker<PhasePayload>(
      phase,
      (job: Job<PhasePayload>, token?: string) => runner.run(phase, job, handler, token),
      {
        connection: input.connection,
        prefix: input.options.prefix,
        name,
        concurrency: input.options.concurrency[phase],
        lockDuration: input.options.lockDurationMs,
        stalledInterval: input.options.stalledIntervalMs,
        maxStalledCount: 3,
      },
    );
    byPhase.set(phase, worker);
    worker.on("failed", (job, error) => {
      // Failed for good outside the runner's own handling (stalled too often, BullMQ's deferred
      // failure): the record must say so now, not at the deadline. When the runner failed the
      // job itself the record has already ended and this is a no-op.
      if (!job || !failedForGood(job, error)) return;
      const parsed = phasePayloadSchema.safeParse(job.data);
      if (!parsed.success) return;
      const id = parsed.data.job_id;
      const failure = { code: "internal", message: `${phase} failed: ${describeFailure(error)}`, phase };
      const end = () => input.store.end(id, "failed", failure);
      (input.endHooks ? input.endHooks.ending(id, end) : end()).catch((err: unknown) =>
        input.log.warn({ err, jobId: id }, "could not mark job failed"),
      );
    });
    worker.on("error", (error) => {
      if (input.outage && isConnectionError(error)) input.outage.error(error, `${phase} worker`);
      else input.log.error({ err: error, phase }, "worker error");
    });
    return worker;
  });
  const sweeper = new JobSweeper({
    store: input.store,
    log: input.log,
    queuePlanning: input.requeue ?? ((id) => input.queues.enqueue("planning", id)),
    ...(input.endHooks ? { endHooks: input.endHooks } : {}),
    ...(input.outage ? { outage: input.outage } : {}),
  });
  sweeper.start();
  const deadLocks = new DeadWorkerLocks({
    redis: input.connection,
    prefix: input.options.prefix,
    queues: PHASES,
    log: input.log,
    ...(input.outage ? { outage: input.outage } : {}),
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  deadLocks.start();
  return {
    workers,
    events,
    sweeper,
    name,
    async close() {
      deadLocks.stop();
      await Promise.all(workers.map((w) => w.close()));
      runner.close();
      await sweeper.stop();
      await events.close();
    },
  };
}
