import { Redis } from "ioredis";
import { loadConfig } from "@orch/config";
import { startRedis } from "@orch/testkit";
import type { BenchSettings } from "./support/bench-settings.js";
import type { ServiceProcess } from "./support/service-process.js";
import { startServiceStack, type ServiceStack } from "./support/service-stack.js";
import { submitJobs } from "./support/submit-jobs.js";
import { quantile, round, sleep } from "./support/stats.js";

export interface StormRun {
  /** Time from a job's creation to its terminal state, seconds. */
  readonly p50_s: number;
  readonly p99_s: number;
  readonly max_s: number;
  /** Worker processes SIGKILLed during the run (each replaced by a fresh one). */
  readonly kills: number;
  readonly failed: number;
  /** Jobs with no terminal state when the run gave up waiting: must be 0. */
  readonly lost: number;
}

export interface CrashStormResult {
  readonly jobs: number;
  readonly worker_processes: number;
  readonly kill_every_s: number;
  readonly lock_duration_ms: number;
  readonly stalled_interval_ms: number;
  readonly no_faults: StormRun;
  readonly storm: StormRun;
  /** Storm p99 ÷ no-fault p99. */
  readonly p99_ratio: number;
}

const TERMINAL = new Set(["completed", "failed", "cancelled"]);
/** How long a run waits for its last job after the last kill before counting the rest as lost. */
const GIVE_UP_AFTER_MS = 120_000;

/** The jobs' ends: polls their records until all are terminal or the wait is over. */
async function waitForEnds(
  redis: Redis,
  ids: readonly string[],
  stillKilling: () => boolean,
): Promise<{ durations: number[]; failed: number; lost: number }> {
  const pending = new Set(ids);
  const durations: number[] = [];
  let failed = 0;
  let giveUpAt = Date.now() + GIVE_UP_AFTER_MS;
  while (pending.size > 0) {
    if (stillKilling()) giveUpAt = Date.now() + GIVE_UP_AFTER_MS;
    else if (Date.now() > giveUpAt) break;
    const batch = [...pending];
    const pipeline = redis.pipeline();
    for (const id of batch) pipeline.hmget(`orch:job:{${id}}`, "status", "created_at", "finished_at");
    const replies = (await pipeline.exec()) ?? [];
    batch.forEach((id, i) => {
      const [status, created, finished] = (replies[i]?.[1] ?? []) as Array<string | null>;
      if (!status || !TERMINAL.has(status)) return;
      pending.delete(id);
      if (status !== "completed") failed += 1;
      durations.push((Date.parse(finished ?? "") - Date.parse(created ?? "")) / 1000);
    });
    if (pending.size > 0) await sleep(100);
  }
  return { durations, failed, lost: pending.size };
}

/**
 * `jobs` jobs submitted at once to two worker processes, timed from each job's creation to its
 * end; with `killEvery` set, a worker process is SIGKILLed every `killEvery` seconds until the
 * last job ends (alternating between the two) and replaced by a fresh one, as the supervisor or
 * a container orchestrator would.
 */
async function stormRun(
  stack: ServiceStack,
  redis: Redis,
  jobs: number,
  killEvery?: number,
): Promise<StormRun> {
  const ids = await submitJobs(stack, jobs);
  let kills = 0;
  let killing = killEvery !== undefined;
  const storm = (async () => {
    if (killEvery === undefined) return;
    let next = 0;
    while (killing) {
      await sleep(killEvery * 1000);
      if (!killing) return;
      const victim: ServiceProcess | undefined = stack.workers[next % stack.workers.length];
      next += 1;
      if (!victim) return;
      await victim.stop("SIGKILL");
      kills += 1;
      stack.workers.splice(stack.workers.indexOf(victim), 1);
      await stack.addWorker();
    }
  })();
  const ends = await waitForEnds(redis, ids, () => killing).finally(() => {
    killing = false;
  });
  await storm;
  const { durations } = ends;
  return {
    p50_s: round(quantile(durations, 0.5), 2),
    p99_s: round(quantile(durations, 0.99), 2),
    max_s: round(Math.max(...durations), 2),
    kills,
    failed: ends.failed,
    lost: ends.lost,
  };
}

/**
 * Crash recovery: the same backlog through two worker processes without faults, then under a
 * SIGKILL storm. A killed process's phases come back when their BullMQ locks expire
 * (`orchestrator.lock_duration_ms`) and another worker's stalled check (`stalled_interval_ms`)
 * finds them; the p99 time from submission to the end shows what that costs, and every job must
 * still end.
 */
export async function benchCrashStorm(settings: BenchSettings): Promise<CrashStormResult> {
  const redisServer = await startRedis();
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  let stack: ServiceStack | undefined;
  try {
    stack = await startServiceStack({ redis: redisServer, workers: 2, concurrency: settings.concurrency });
    // Warm-up: the cache and the JIT of both processes.
    await stormRun(stack, redis, 100);
    const noFaults = await stormRun(stack, redis, settings.stormJobs);
    const storm = await stormRun(stack, redis, settings.stormJobs, settings.killEverySeconds);
    // The stack runs with the defaults of these two (its config.json leaves them out).
    const defaults = loadConfig({ env: {}, cwd: "/" }).orchestrator;
    return {
      jobs: settings.stormJobs,
      worker_processes: 2,
      kill_every_s: settings.killEverySeconds,
      lock_duration_ms: defaults.lock_duration_ms,
      stalled_interval_ms: defaults.stalled_interval_ms,
      no_faults: noFaults,
      storm,
      p99_ratio: round(storm.p99_s / noFaults.p99_s, 2),
    };
  } finally {
    redis.disconnect();
    await stack?.close();
    await redisServer.stop();
  }
}
