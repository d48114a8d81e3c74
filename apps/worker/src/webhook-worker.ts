import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { isTerminal } from "@orch/core";
import {
  WEBHOOK_QUEUE,
  toJobView,
  webhookJobId,
  webhookPayloadSchema,
  type JobStore,
  type WebhookPayload,
} from "@orch/queue";
import type { WebhookSender } from "./webhook-sender.js";

export interface WebhookWorkerInput {
  /** Blocking connection (maxRetriesPerRequest: null). */
  readonly connection: Redis;
  readonly store: JobStore;
  readonly sender: WebhookSender;
  readonly log: Logger;
  readonly prefix: string;
  readonly concurrency: number;
  /** Like the phases': how soon a delivery held by a worker that died is picked up by another. */
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
}

/**
 * Delivers the webhook of each ended job that asked for one: the job view, signed. A failed
 * attempt that may succeed later throws, and BullMQ retries it with exponential backoff; one
 * that never will (refused address, 4xx, redirect) stops at once.
 */
export function createWebhookWorker(input: WebhookWorkerInput): Worker<WebhookPayload> {
  const worker = new Worker<WebhookPayload>(
    WEBHOOK_QUEUE,
    async (bullJob: Job<WebhookPayload>) => {
      const parsed = webhookPayloadSchema.safeParse(bullJob.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid webhook payload: ${parsed.error.message}`);
      const id = parsed.data.job_id;
      const job = await input.store.get(id);
      if (!job?.callback_url || !isTerminal(job.status)) return "skipped";
      const log = input.log.child({ jobId: id, attempt: bullJob.attemptsMade + 1 });
      const outcome = await input.sender.send({
        url: job.callback_url,
        body: JSON.stringify(toJobView(job)),
        event: `job.${job.status}`,
        deliveryId: webhookJobId(id),
        attempt: bullJob.attemptsMade + 1,
      });
      if (outcome.ok) {
        log.info({ status: outcome.status }, "webhook delivered");
        return "delivered";
      }
      log.warn(
        { status: outcome.status, reason: outcome.reason, retryable: outcome.retryable },
        "webhook attempt failed",
      );
      throw outcome.retryable ? new Error(outcome.reason) : new UnrecoverableError(outcome.reason);
    },
    {
      connection: input.connection,
      prefix: input.prefix,
      concurrency: input.concurrency,
      lockDuration: input.lockDurationMs,
      stalledInterval: input.stalledIntervalMs,
    },
  );
  worker.on("failed", (job, error) => {
    if (job && (error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1))) {
      input.log.error(
        { jobId: job.data.job_id, attempts: job.attemptsMade, reason: error.message },
        "webhook not delivered",
      );
    }
  });
  worker.on("error", (error) => input.log.error({ err: error }, "webhook worker error"));
  return worker;
}
