import type { RedisClient } from "./redis-connection.js";
import { z } from "zod";
import { PHASES, type Phase } from "@orch/core";

/** The Redis hash every worker process writes its capacity to, one field per process. */
export const CAPACITY_KEY = "orch:capacity";

/** A report older than this is from a process that stopped: it no longer counts. */
const STALE_MS = 15_000;

const phaseCapacity = z.object({
  /** Phase jobs this process runs at once. */
  slots: z.number().int().nonnegative(),
  /** Mean seconds a completed run of the phase took here, recent runs weighing most; null before the first. */
  seconds: z.number().nonnegative().nullable(),
});

const workerCapacity = z.object({
  at: z.number(),
  phases: z.object({ planning: phaseCapacity, execution: phaseCapacity, feedback: phaseCapacity }),
  /** Mean Datadog requests an execution made here (cache hits cost none); null before the first. */
  datadog_calls: z.number().nonnegative().nullable(),
});

export type WorkerCapacity = z.infer<typeof workerCapacity>;

/** What the live worker processes can do together, as they last reported it. */
export interface CapacitySummary {
  readonly workers: number;
  /** Jobs a second each phase completes at most, from slots and measured durations; null if unmeasured. */
  readonly phaseRates: Readonly<Record<Phase, number | null>>;
  /** Seconds a job spends in its phases' own work, summed; null if unmeasured. */
  readonly jobSeconds: number | null;
  readonly datadogCallsPerJob: number | null;
}

/**
 * Where worker processes report their capacity (slots and measured phase durations) and the API
 * reads it for admission control. Each process owns one field; a process that stops is
 * forgotten once its report is stale.
 */
export class CapacityBoard {
  constructor(private readonly redis: RedisClient) {}

  async report(processId: string, capacity: WorkerCapacity): Promise<void> {
    await this.redis.hset(CAPACITY_KEY, processId, JSON.stringify(capacity));
  }

  async forget(processId: string): Promise<void> {
    await this.redis.hdel(CAPACITY_KEY, processId);
  }

  /** The live processes' capacity together; stale fields are dropped on the way. */
  async read(now = Date.now()): Promise<CapacitySummary> {
    const fields = await this.redis.hgetall(CAPACITY_KEY);
    const live: WorkerCapacity[] = [];
    const stale: string[] = [];
    for (const [id, text] of Object.entries(fields)) {
      let parsed: WorkerCapacity | undefined;
      try {
        parsed = workerCapacity.parse(JSON.parse(text));
      } catch {
        parsed = undefined;
      }
      if (parsed && now - parsed.at <= STALE_MS) live.push(parsed);
      else stale.push(id);
    }
    if (stale.length > 0) await this.redis.hdel(CAPACITY_KEY, ...stale);
    return summarise(live);
  }
}

/** Mean of the measured values, weighted by the slots that measured them; null when none did. */
function weighted(values: ReadonlyArray<{ value: number | null; weight: number }>): number | null {
  const known = values.filter((v): v is { value: number; weight: number } => v.value !== null);
  const weight = known.reduce((a, v) => a + v.weight, 0);
  return weight > 0 ? known.reduce((a, v) => a + v.value * v.weight, 0) / weight : null;
}

function summarise(live: readonly WorkerCapacity[]): CapacitySummary {
  const phaseRates = {} as Record<Phase, number | null>;
  let jobSeconds: number | null = 0;
  for (const phase of PHASES) {
    const slots = live.reduce((a, w) => a + w.phases[phase].slots, 0);
    const seconds = weighted(
      live.map((w) => ({ value: w.phases[phase].seconds, weight: w.phases[phase].slots })),
    );
    phaseRates[phase] = seconds !== null && slots > 0 ? slots / Math.max(seconds, 0.001) : null;
    jobSeconds = seconds !== null && jobSeconds !== null ? jobSeconds + seconds : null;
  }
  return {
    workers: live.length,
    phaseRates,
    jobSeconds: live.length > 0 ? jobSeconds : null,
    datadogCallsPerJob: weighted(
      live.map((w) => ({ value: w.datadog_calls, weight: w.phases.execution.slots })),
    ),
  };
}
