import { Queue } from "bullmq";
import type { RedisClient } from "./redis-connection.js";
import { z } from "zod";
import type { JobEnd } from "./job-store.js";
import { jobKeys } from "./job-keys.js";

/**
 * The queue of webhook deliveries. Like the phase queues, its name is part of the deployment
 * contract: renaming it strands the deliveries waiting in it.
 */
export const WEBHOOK_QUEUE = "webhooks";

/** A delivery carries only the job id; the worker renders the job as it is when it delivers. */
export const webhookPayloadSchema = z.object({ job_id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) }).strict();
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

/** Deterministic BullMQ id: a job's delivery is queued once however many processes see it end. */
export const webhookJobId = (id: string): string => `${id}-webhook`;

/** The same for a job's Slack message (BullMQ job name "slack" in the same queue). */
export const slackJobId = (id: string): string => `${id}-slack`;

export interface WebhookJobPolicy {
  readonly attempts: number;
  /** First retry delay; BullMQ doubles it each attempt. */
  readonly backoffMs: number;
}

/** Producer side of the webhook queue. */
export class WebhookQueue {
  readonly queue: Queue<WebhookPayload>;

  constructor(
    connection: RedisClient,
    prefix: string,
    private readonly policy: WebhookJobPolicy,
  ) {
    this.queue = new Queue<WebhookPayload>(WEBHOOK_QUEUE, { connection, prefix });
    this.queue.on("error", () => undefined);
  }

  async enqueue(jobId: string): Promise<void> {
    await this.add("deliver", jobId, webhookJobId(jobId));
  }

  /** Queues the job's Slack message, retried like its webhook. */
  async enqueueSlack(jobId: string): Promise<void> {
    await this.add("slack", jobId, slackJobId(jobId));
  }

  private async add(name: "deliver" | "slack", jobId: string, id: string): Promise<void> {
    await this.queue.add(
      name,
      { job_id: jobId },
      {
        jobId: id,
        attempts: this.policy.attempts,
        backoff: { type: "exponential", delay: this.policy.backoffMs },
        removeOnComplete: { age: 86_400, count: 10_000 },
        removeOnFail: { age: 7 * 86_400, count: 50_000 },
      },
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/**
 * The JobStore `onEnd` hook of a process: queues a delivery when the job that just ended asked
 * for a callback. Both the API (cancellations) and the worker (completions, failures) install it.
 */
export function webhookOnEnd(redis: RedisClient, queue: WebhookQueue): (end: JobEnd) => Promise<void> {
  return async (end) => {
    const url = await redis.hget(jobKeys.record(end.id), "callback_url");
    if (url) await queue.enqueue(end.id);
  };
}
