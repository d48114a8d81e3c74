import { Queue } from "bullmq";
import type { RedisClient } from "./redis-connection.js";
import { z } from "zod";
import { jobKeys } from "./job-keys.js";
import { LuaScript } from "./lua-script.js";

/**
 * The queue of alert-started jobs waiting to start. Its workers hold one entry per running
 * investigation, and the queue's global concurrency bounds them across every worker process: a
 * storm of alerts is queued, never refused, and never floods the phase queues. Like the phase
 * queues, its name is part of the deployment contract.
 */
export const ALERT_QUEUE = "alerts";

export const alertPayloadSchema = z.object({ job_id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) }).strict();
export type AlertPayload = z.infer<typeof alertPayloadSchema>;

/** Deterministic BullMQ id: an alert job is admitted once however often it is queued. */
export const alertJobId = (id: string): string => `${id}-alert`;

/** Producer side of the alert queue. */
export class AlertQueue {
  readonly queue: Queue<AlertPayload>;

  constructor(connection: RedisClient, prefix: string) {
    this.queue = new Queue<AlertPayload>(ALERT_QUEUE, { connection, prefix });
    this.queue.on("error", () => undefined);
  }

  async enqueue(jobId: string): Promise<void> {
    await this.queue.add(
      "admit",
      { job_id: jobId },
      {
        jobId: alertJobId(jobId),
        attempts: 3,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: { age: 86_400, count: 10_000 },
        removeOnFail: { age: 7 * 86_400, count: 50_000 },
      },
    );
  }

  /** Investigations from alerts running at once, across all workers. */
  async setConcurrency(concurrency: number): Promise<void> {
    await this.queue.setGlobalConcurrency(concurrency);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** Admits a queued job: its deadline now counts from here (see the file for KEYS and ARGV). */
const ADMIT = LuaScript.fromFile(new URL("./lua/admit-alert-job.lua", import.meta.url));

export type Admission = "admitted" | "running" | "ended" | "missing";

/**
 * Lets a waiting alert job start: it was created with room for its wait in the queue, and its
 * own deadline starts when it is admitted (the deadline index follows).
 */
export async function admitAlertJob(
  redis: RedisClient,
  id: string,
  deadlineMs: number,
  now: number,
  deadlinesKey: string,
): Promise<Admission> {
  const state = (await ADMIT.run(
    redis,
    [jobKeys.record(id)],
    [String(deadlineMs), new Date(now).toISOString()],
  )) as Admission;
  if (state === "admitted") await redis.zadd(deadlinesKey, "XX", deadlineMs, id);
  return state;
}
