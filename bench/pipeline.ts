import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { startRedis, type RedisServer } from "@orch/testkit";
import { inProcessLimit } from "./in-process-limit.js";
import type { BenchSettings } from "./support/bench-settings.js";
import { cpuMsOf, settledRssMiB, spawnProcess, type ServiceProcess } from "./support/service-process.js";
import { startServiceStack, type ServiceStack } from "./support/service-stack.js";
import { submitJobs } from "./support/submit-jobs.js";
import { round, until } from "./support/stats.js";

export interface PipelineResult {
  readonly jobs_per_batch: number;
  readonly worker_processes: number;
  readonly concurrency_per_queue: number;
  /** Chains of three no-op BullMQ jobs per second. */
  readonly baseline_per_s: number;
  /** Orchestrations per second through planning, execution and feedback, per batch. */
  readonly service_per_s: readonly number[];
  /** Best service batch ÷ baseline (a chain that does no work: a reference, not a limit). */
  readonly ratio: number;
  /** The same phase functions called in a loop in one process (bench/in-process-limit.ts), jobs/s. */
  readonly in_process_per_s: number;
  /** Best service batch (one worker process) ÷ the in-process limit. */
  readonly in_process_ratio: number;
  /** One batch with a second worker process beside the first, jobs/s. */
  readonly two_processes_per_s: number;
  /** Two processes ÷ the best batch of one. */
  readonly scale_ratio: number;
  /**
   * CPU time per job (user + system, libuv's pool included) while a backlog drains: what the
   * throughput ratios are made of, and steadier than them on a shared machine.
   */
  readonly cpu_ms_per_job: CpuPerJob;
  /** Best service batch ÷ the original description's 50 req/s. */
  readonly vs_original: number;
  readonly failed_jobs: number;
  readonly memory: MemoryResult;
}

export interface CpuPerJob {
  /** The in-process limit's thread. */
  readonly in_process: number;
  /** The worker process, one-process batches (the lower of the two). */
  readonly worker: number;
  /** Both worker processes together, the two-process batch. */
  readonly two_workers: number;
  /** redis-server, one-process batches (the lower of the two) and the two-process batch. */
  readonly redis: number;
  readonly redis_two_workers: number;
  /** The API process while the backlog drains (it was filled before the timing started). */
  readonly api: number;
}

export interface MemoryResult {
  readonly api_mib: { readonly idle: number; readonly after_batch_1: number; readonly after_batch_2: number };
  readonly worker_mib: {
    readonly idle: number;
    readonly after_batch_1: number;
    readonly after_batch_2: number;
  };
  readonly jobs_total: number;
  /** RSS growth between the two equal batches (MiB): a leak shows up here. */
  readonly growth_mib: { readonly api: number; readonly worker: number };
  /**
   * Redis used_memory per finished job (KiB) over the two batches, right after they end (the
   * evidence still kept, BullMQ's completed phase jobs still retained), and once the evidence has
   * expired and BullMQ's completed jobs are trimmed: what a job holds for the rest of its retention.
   */
  readonly redis_kib_per_job: { readonly just_finished: number; readonly retained: number };
}

/**
 * Runs `count` jobs through a paused queue: all queued first, then timed from resume to the last
 * end. Returns the seconds, and the CPU ms each of `pids` used meanwhile.
 */
async function timedBacklog(
  queue: Queue,
  fill: () => Promise<void>,
  remaining: () => Promise<number>,
  pids: readonly number[] = [],
): Promise<{ seconds: number; cpuMs: number[] }> {
  await queue.pause();
  await fill();
  const cpu = pids.map(cpuMsOf);
  const t0 = performance.now();
  await queue.resume();
  await until(async () => (await remaining()) === 0, "the backlog to drain", 600_000, 20);
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, cpuMs: pids.map((pid, i) => cpuMsOf(pid) - cpu[i]!) };
}

/** The bare BullMQ chain: chains/s for `count` chains queued at once. */
async function baselineRun(redis: RedisServer, settings: BenchSettings, count: number): Promise<number> {
  const worker = spawnProcess({
    name: "bare-chain",
    script: "bench/baselines/bare-chain-worker.ts",
    typescript: true,
    env: { REDIS_URL: redis.url, CONCURRENCY: String(settings.concurrency), NODE_ENV: "production" },
  });
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue("chain_a", { connection, prefix: "{bare}" });
  const retention = { removeOnComplete: { age: 3600, count: 10_000 } };
  try {
    let batch = 0;
    const run = async (n: number): Promise<{ seconds: number }> => {
      batch += 1;
      const start = Number((await connection.get("bare:done")) ?? 0);
      return timedBacklog(
        queue,
        async () => {
          for (let i = 0; i < n; i += 500) {
            const size = Math.min(500, n - i);
            await queue.addBulk(
              Array.from({ length: size }, (_, k) => ({
                name: "chain_a",
                data: { id: `b${batch}-${i + k}` },
                opts: { jobId: `b${batch}-${i + k}-chain_a`, ...retention },
              })),
            );
          }
        },
        async () => start + n - Number((await connection.get("bare:done")) ?? 0),
      );
    };
    // The first chain also waits for the worker process to start.
    await run(1);
    await run(200);
    return count / (await run(count)).seconds;
  } finally {
    await queue.close();
    connection.disconnect();
    await worker.stop();
  }
}

async function rss(proc: ServiceProcess): Promise<number> {
  return round(await settledRssMiB(proc), 1);
}

/**
 * Pipeline throughput and memory: the service (API and one worker process) drains a backlog of
 * jobs (offline reasoner, demo data, warm cache) in two equal batches, against a bare BullMQ
 * chain of three no-op jobs with the same worker count and concurrency on the same Redis. The
 * processes' RSS is read when idle and after each batch; growth between batches means a leak.
 */
export async function benchPipeline(settings: BenchSettings): Promise<PipelineResult> {
  const redis = await startRedis();
  let stack: ServiceStack | undefined;
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  try {
    const baseline = await baselineRun(redis, settings, settings.batchJobs);
    const inProcess = await inProcessLimit(Math.min(2000, settings.batchJobs));
    stack = await startServiceStack({ redis, workers: 1, concurrency: settings.concurrency });
    const api = stack.api;
    const worker = stack.workers[0]!;
    const idle = { api: await rss(api), worker: await rss(worker) };
    const planning = new Queue("planning", { connection, prefix: "{orch}" });
    const inFlight = () => connection.zcard("orch:inflight:{bench}");
    const redisPid = redis.process.pid ?? -1;
    const batch = (n: number) =>
      timedBacklog(
        planning,
        async () => {
          await submitJobs(stack!, n);
        },
        inFlight,
        [redisPid, api.pid, ...stack!.workers.map((w) => w.pid)],
      );
    await batch(200);
    const usedMemory = async () => {
      await connection.call("MEMORY", "PURGE");
      return Number(/^used_memory:(\d+)/m.exec(await connection.info("memory"))?.[1] ?? 0);
    };
    const memoryBefore = await usedMemory();
    const perSecond: number[] = [];
    const after: Array<{ api: number; worker: number }> = [];
    const cpuOne: number[][] = [];
    for (let i = 0; i < 2; i++) {
      const timed = await batch(settings.batchJobs);
      perSecond.push(round(settings.batchJobs / timed.seconds, 1));
      cpuOne.push(timed.cpuMs.map((ms) => ms / settings.batchJobs));
      after.push({ api: await rss(api), worker: await rss(worker) });
    }
    const memoryAfter = await usedMemory();
    // What the jobs keep for their retention: their evidence expires after a day, BullMQ's
    // completed phase jobs after an hour; both are dropped here as time would drop them.
    await dropExpiring(connection);
    const memoryRetained = await usedMemory();
    const perJob = (bytes: number) => round(bytes / (2 * settings.batchJobs) / 1024, 1);
    await stack.addWorker();
    const twoTimed = await batch(settings.batchJobs);
    const two = settings.batchJobs / twoTimed.seconds;
    const [redisTwo = 0, , ...workersTwo] = twoTimed.cpuMs.map((ms) => ms / settings.batchJobs);
    const lowest = (i: number) => round(Math.min(...cpuOne.map((c) => c[i]!)), 2);
    await planning.close();
    const statuses = await countStatuses(connection);
    const best = Math.max(...perSecond);
    return {
      jobs_per_batch: settings.batchJobs,
      worker_processes: 1,
      concurrency_per_queue: settings.concurrency,
      baseline_per_s: round(baseline, 1),
      service_per_s: perSecond,
      ratio: round(best / baseline, 2),
      in_process_per_s: round(inProcess.perSecond, 1),
      in_process_ratio: round(best / inProcess.perSecond, 2),
      two_processes_per_s: round(two, 1),
      scale_ratio: round(two / best, 2),
      cpu_ms_per_job: {
        in_process: round(inProcess.cpuMsPerJob, 2),
        worker: lowest(2),
        two_workers: round(
          workersTwo.reduce((a, b) => a + b, 0),
          2,
        ),
        redis: lowest(0),
        redis_two_workers: round(redisTwo, 2),
        api: lowest(1),
      },
      vs_original: round(best / 50, 1),
      failed_jobs: statuses.failed,
      memory: {
        api_mib: { idle: idle.api, after_batch_1: after[0]!.api, after_batch_2: after[1]!.api },
        worker_mib: { idle: idle.worker, after_batch_1: after[0]!.worker, after_batch_2: after[1]!.worker },
        jobs_total: 200 + 2 * settings.batchJobs,
        growth_mib: {
          api: round(after[1]!.api - after[0]!.api, 1),
          worker: round(after[1]!.worker - after[0]!.worker, 1),
        },
        redis_kib_per_job: {
          just_finished: perJob(memoryAfter - memoryBefore),
          retained: perJob(memoryRetained - memoryBefore),
        },
      },
    };
  } finally {
    connection.disconnect();
    await stack?.close();
    await redis.stop();
  }
}

/** How the jobs ended, from their records. */
async function countStatuses(redis: Redis): Promise<{ completed: number; failed: number }> {
  let cursor = "0";
  let completed = 0;
  let failed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", "orch:job:{*}", "COUNT", 1000);
    cursor = next;
    const records = keys.filter((k) => k.endsWith("}"));
    const statuses = await Promise.all(records.map((k) => redis.hget(k, "status")));
    completed += statuses.filter((s) => s === "completed").length;
    failed += statuses.filter((s) => s !== "completed").length;
  } while (cursor !== "0");
  return { completed, failed };
}

/** Drops what expires long before a job's record: its evidence, and BullMQ's completed phase jobs. */
async function dropExpiring(redis: Redis): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", "orch:job:{*}:out:execution", "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await Promise.all(keys.map((k) => redis.unlink(k)));
  } while (cursor !== "0");
  for (const phase of ["planning", "execution", "feedback"]) {
    const queue = new Queue(phase, { connection: redis, prefix: "{orch}" });
    await queue.clean(0, 1_000_000, "completed");
    await queue.close();
  }
}
