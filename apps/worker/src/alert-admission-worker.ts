import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Logger } from "pino";
import {
  ALERT_QUEUE,
  admitAlertJob,
  alertPayloadSchema,
  globalKeys,
  type AlertPayload,
  type JobEvents,
  type JobStore,
  type PhaseQueues,
  isConnectionError,
  type RedisOutageLog,
  type RedisClient,
} from "@orch/queue";

export interface AlertAdmissionInput {
  /** Blocking connection (maxRetriesPerRequest: null). */
  readonly connection: RedisClient;
  /** The data connection (records, queueing). */
  readonly redis: RedisClient;
  readonly store: JobStore;
  readonly queues: PhaseQueues;
  readonly events: JobEvents;
  readonly log: Logger;
  /** Connection errors during a Redis outage go here (logged once per outage), not to the log. */
  readonly outage?: RedisOutageLog;
  readonly prefix: string;
  /** orchestrator.job_deadline_seconds: an admitted job's deadline counts from its admission. */
  readonly jobDeadlineSeconds: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly now?: () => number;
}

/** How long a worker that is shutting down leaves a held entry before another worker takes it. */
const HAND_OVER_MS = 1000;

/**
 * Starts alert-started jobs in turn. Each entry of the alert queue stays active for as long as
 * its investigation runs, so the queue's global concurrency (alerts.concurrency) is the number of
 * alert investigations running at once, across every worker. A worker that shuts down hands its
 * entries back (delayed), so the bound holds through restarts.
 */
export function createAlertAdmissionWorker(input: AlertAdmissionInput): {
  readonly worker: Worker<AlertPayload>;
  close(): Promise<void>;
} {
  const now = input.now ?? Date.now;
  const closing = new AbortController();
  const worker = new Worker<AlertPayload>(
    ALERT_QUEUE,
    async (bullJob: Job<AlertPayload>, token?: string) => {
      const parsed = alertPayloadSchema.safeParse(bullJob.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid alert payload: ${parsed.error.message}`);
      const id = parsed.data.job_id;
      const deadline = now() + input.jobDeadlineSeconds * 1000;
      const state = await admitAlertJob(input.redis, id, deadline, now(), globalKeys.deadlines);
      if (state === "missing" || state === "ended") return state;
      if (state === "admitted") {
        await input.queues.enqueue("planning", id);
        input.log.info({ jobId: id }, "alert job admitted");
      }
      // Held until the job ends: the deadline bounds the wait (the sweeper ends a job past it).
      const job = await input.store.get(id, []);
      const waitMs = Math.max(1000, (job?.deadline_ms ?? deadline) - now() + 5000);
      await input.events.waitForEnd(id, waitMs, () => input.store.status(id), closing.signal);
      if (closing.signal.aborted && token) {
        await bullJob.moveToDelayed(now() + HAND_OVER_MS, token);
        throw new DelayedError();
      }
      return "ended";
    },
    {
      connection: input.connection,
      prefix: input.prefix,
      // The global concurrency set on the queue is the bound; this only caps one process.
      concurrency: 256,
      lockDuration: input.lockDurationMs,
      stalledInterval: input.stalledIntervalMs,
    },
  );
  worker.on("error", (error) => {
    if (input.outage && isConnectionError(error)) input.outage.error(error, "alert admission worker");
    else input.log.error({ err: error }, "alert admission worker error");
  });
  return {
    worker,
    async close() {
      closing.abort();
      await worker.close();
    },
  };
}
