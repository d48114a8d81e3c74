import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Logger } from "pino";
import { isTerminal } from "@orch/core";
import type { SlackRoute } from "@orch/config";
import {
  WEBHOOK_QUEUE,
  toJobView,
  webhookJobId,
  webhookPayloadSchema,
  type JobStore,
  type WebhookPayload,
  isConnectionError,
  type RedisOutageLog,
  type RedisClient,
} from "@orch/queue";
import { slackMessage } from "./slack/slack-message.js";
import { slackRouteFor } from "./slack/slack-route.js";
import type { SlackSender } from "./slack/slack-sender.js";
import type { DeliveryOutcome, WebhookSender } from "./webhook-sender.js";

export interface WebhookWorkerInput {
  /** Blocking connection (maxRetriesPerRequest: null). */
  readonly connection: RedisClient;
  readonly store: JobStore;
  /** Signed callbacks (callback_url); absent when webhooks are not configured. */
  readonly sender?: WebhookSender;
  /** Slack messages (slack.routes); absent when none are configured. */
  readonly slack?: {
    readonly sender: SlackSender;
    readonly routes: readonly SlackRoute[];
    readonly linkBase?: string;
  };
  readonly log: Logger;
  /** Connection errors during a Redis outage go here (logged once per outage), not to the log. */
  readonly outage?: RedisOutageLog;
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
      if (!job || !isTerminal(job.status)) return "skipped";
      const attempt = bullJob.attemptsMade + 1;
      const log = input.log.child({ jobId: id, attempt, delivery: bullJob.name });
      let outcome: DeliveryOutcome;
      if (bullJob.name === "slack") {
        const route = input.slack ? slackRouteFor(input.slack.routes, job) : undefined;
        if (!input.slack || !route) return "skipped";
        outcome = await input.slack.sender.send(
          route.webhook_url,
          slackMessage(toJobView(job), input.slack.linkBase),
        );
      } else {
        if (!job.callback_url || !input.sender) return "skipped";
        outcome = await input.sender.send({
          url: job.callback_url,
          body: JSON.stringify(toJobView(job)),
          event: `job.${job.status}`,
          deliveryId: webhookJobId(id),
          attempt,
        });
      }
      if (outcome.ok) {
        log.info(
          { status: outcome.status },
          bullJob.name === "slack" ? "slack message delivered" : "webhook delivered",
        );
        return "delivered";
      }
      log.warn(
        { status: outcome.status, reason: outcome.reason, retryable: outcome.retryable },
        "delivery attempt failed",
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
        job.name === "slack" ? "slack message not delivered" : "webhook not delivered",
      );
    }
  });
  worker.on("error", (error) => {
    if (input.outage && isConnectionError(error)) input.outage.error(error, "webhook worker");
    else input.log.error({ err: error }, "webhook worker error");
  });
  return worker;
}
