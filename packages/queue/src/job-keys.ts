/**
 * Redis keys of the job store. Each job's keys share a hash tag ({<id>}) so its Lua scripts stay
 * on one slot in Redis Cluster; global keys are touched only by single-key commands.
 */
export const jobKeys = {
  record: (id: string) => `orch:job:{${id}}`,
  steps: (id: string) => `orch:job:{${id}}:steps`,
  events: (id: string) => `orch:job:{${id}}:events`,
} as const;

export const globalKeys = {
  /** Sorted set of unfinished job ids scored by their deadline (ms). */
  deadlines: "orch:deadlines",
  /** Pub/sub channel of job events: status changes, steps, ends. */
  eventsChannel: "orch:job-events",
  inFlight: (owner: string) => `orch:inflight:{${owner}}`,
  idempotency: (owner: string, key: string) => `orch:idem:{${owner}}:${key}`,
  session: (id: string) => `orch:session:{${id}}`,
  sessionMessages: (id: string) => `orch:session:{${id}}:messages`,
} as const;
