/**
 * Redis keys of the job store. Each job's keys share a hash tag ({<id>}) so its Lua scripts stay
 * on one slot in Redis Cluster; global keys are touched only by single-key commands.
 */
export const jobKeys = {
  record: (id: string) => `orch:job:{${id}}`,
  steps: (id: string) => `orch:job:{${id}}:steps`,
  events: (id: string) => `orch:job:{${id}}:events`,
  /** A saved phase output: its own string key, since big values are slow in a hash or a Lua argument. */
  output: (id: string, phase: string) => `orch:job:{${id}}:out:${phase}`,
  /** A drill-down plan the feedback of the round before saved for round `round` (2, 3…). */
  drillPlan: (id: string, round: number) => `orch:job:{${id}}:out:plan-${round}`,
  /** Where a phase writes its output before the completing script moves it into place. */
  staged: (id: string, phase: string) => `orch:job:{${id}}:out:${phase}:staged`,
} as const;

export const globalKeys = {
  /** Sorted set of unfinished job ids scored by their deadline (ms). */
  deadlines: "orch:deadlines",
  /**
   * Sorted set of jobs whose record is written but whose planning phase is not confirmed queued
   * (scored by creation ms): a submitter that died in between leaves its job here for the sweeper.
   */
  unqueued: "orch:unqueued",
  /**
   * Sorted set of ended jobs whose end hooks (session, webhook, backend) are not confirmed yet,
   * scored by when a sweeper may run them again (ms).
   */
  pendingEndHooks: "orch:end-hooks",
  /** Pub/sub channel of job events: status changes, steps, ends. */
  eventsChannel: "orch:job-events",
  inFlight: (owner: string) => `orch:inflight:{${owner}}`,
  /** Sorted set of an owner's job ids (score 0: ids sort by creation time), for GET /jobs. */
  ownerJobs: (owner: string) => `orch:owner-jobs:{${owner}}`,
  idempotency: (owner: string, key: string) => `orch:idem:{${owner}}:${key}`,
  session: (id: string) => `orch:session:{${id}}`,
  sessionMessages: (id: string) => `orch:session:{${id}}:messages`,
  /** The demo's anchor of a session's conversation (epoch ms), while it holds. */
  sessionAnchor: (id: string) => `orch:session:{${id}}:anchor`,
} as const;
