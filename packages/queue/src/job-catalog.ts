import { z } from "zod";
import { ROUND_LIMIT, roundPhaseKey, type Phase } from "@orch/core";

/**
 * The payload every phase job carries: the id, and the round for the phases of a drill-down
 * round (absent: round 1); the job record holds the rest.
 */
export const phasePayloadSchema = z
  .object({
    job_id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    round: z
      .number()
      .int()
      .min(2)
      .max(ROUND_LIMIT + 1)
      .optional(),
  })
  .strict();
export type PhasePayload = z.infer<typeof phasePayloadSchema>;

export interface PhaseQueueSpec {
  readonly queue: Phase;
  readonly payload: typeof phasePayloadSchema;
  /** BullMQ job id of a phase (of a round): deterministic, and without ":" which BullMQ forbids. */
  readonly jobId: (id: string, round?: number) => string;
}

/**
 * The one catalog of queues. Queue names are part of the deployment contract: renaming one
 * strands the jobs waiting in it, so a rename needs a migration note.
 */
export const JOB_CATALOG: Readonly<Record<Phase, PhaseQueueSpec>> = {
  planning: { queue: "planning", payload: phasePayloadSchema, jobId: (id) => `${id}-planning` },
  execution: {
    queue: "execution",
    payload: phasePayloadSchema,
    jobId: (id, round = 1) => `${id}-${roundPhaseKey("execution", round)}`,
  },
  feedback: {
    queue: "feedback",
    payload: phasePayloadSchema,
    jobId: (id, round = 1) => `${id}-${roundPhaseKey("feedback", round)}`,
  },
};

/** Retry and retention policy of phase jobs, from config. */
export interface PhaseJobPolicy {
  readonly attempts: number;
  readonly backoffMs: number;
  /** Completed phase jobs are kept this long (s) for Bull Board; the record is the source of truth. */
  readonly keepCompletedSeconds: number;
  readonly keepFailedSeconds: number;
}

export function phaseJobOptions(policy: PhaseJobPolicy) {
  return {
    attempts: policy.attempts,
    backoff: { type: "exponential", delay: policy.backoffMs },
    removeOnComplete: { age: policy.keepCompletedSeconds, count: 10_000 },
    removeOnFail: { age: policy.keepFailedSeconds, count: 50_000 },
  } as const;
}
