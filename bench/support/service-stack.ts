import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { workerMemoryEnv } from "@orch/runtime";
import { freePort, type RedisServer } from "@orch/testkit";
import { spawnProcess, waitForHttp, type ServiceProcess } from "./service-process.js";

export const BENCH_TOKEN = "bench-token-0123456789abcdef";

/**
 * The clients of the load tests, each a token of its own (an owner): a load test of a multi-tenant
 * API is many clients, and one owner's unfinished jobs are capped (api.max_jobs_in_flight, 100,000
 * at most), a cap a single token reaches within a run when no worker finishes its jobs. Sixteen
 * owners hold 1.6 million unfinished jobs between them, more than any run submits.
 */
export const LOAD_TOKENS: readonly string[] = Array.from(
  { length: 16 },
  (_, i) => `bench-load-${String(i).padStart(2, "0")}-0123456789abcdef`,
);

export interface StackOptions {
  readonly redis: RedisServer;
  /** Worker processes to start (0: the API alone; jobs wait in the queues). */
  readonly workers: number;
  /** BullMQ concurrency of each phase queue, in each worker process. */
  readonly concurrency: number;
  /** Extra environment (Datadog or OpenAI endpoints and keys). */
  readonly env?: Readonly<Record<string, string>>;
}

/** The service as it runs in production: the API and each worker a process of its own. */
export interface ServiceStack {
  readonly base: string;
  readonly api: ServiceProcess;
  readonly workers: ServiceProcess[];
  /** The unauthenticated metrics port of each worker, in `workers` order. */
  readonly workerMetrics: string[];
  post(path: string, body: unknown): Promise<Response>;
  get(path: string): Promise<Response>;
  /** Starts one more worker process and waits until it is ready. */
  addWorker(): Promise<ServiceProcess>;
  close(): Promise<void>;
}

/** The config.json of a benchmark run: limits out of the way, a long deadline for big backlogs. */
function writeConfig(dir: string, concurrency: number): string {
  const file = join(dir, "config.json");
  writeFileSync(
    file,
    JSON.stringify({
      orchestrator: {
        job_deadline_seconds: 3600,
        concurrency: { planning: concurrency, execution: concurrency, feedback: concurrency },
      },
      // Admission control still runs (its check is on every submission) but the backlogs the
      // benchmarks build on purpose stay under its caps.
      api: { rate_limit_per_minute: 1_000_000, max_jobs_in_flight: 100_000, max_queued_jobs: 10_000_000 },
      datadog: { requests_per_second: 10_000 },
    }),
  );
  return file;
}

/** Starts the API (compiled, from apps/api/dist) and `workers` worker processes on `redis`. */
export async function startServiceStack(options: StackOptions): Promise<ServiceStack> {
  // The processes run in an empty directory, so a developer's .env cannot leak into the numbers.
  const dir = mkdtempSync(join(tmpdir(), "orch-bench-"));
  const env = {
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    HOST: "127.0.0.1",
    REDIS_URL: options.redis.url,
    API_TOKENS: [
      `${BENCH_TOKEN};name=bench;role=admin`,
      ...LOAD_TOKENS.map((token, i) => `${token};name=load-${i}`),
    ].join(","),
    CONFIG_FILE: writeConfig(dir, options.concurrency),
    // One worker process per spawned worker: the benchmarks count and measure them one by one.
    WORKER_PROCESSES: "1",
    ...options.env,
  };
  const port = await freePort();
  const api = spawnProcess({
    name: "api",
    script: "apps/api/dist/main.js",
    cwd: dir,
    env: { ...env, PORT: String(port) },
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(api, `${base}/readyz`);
  const workers: ServiceProcess[] = [];
  const workerMetrics: string[] = [];
  const addWorker = async (): Promise<ServiceProcess> => {
    const metricsPort = await freePort();
    const worker = spawnProcess({
      name: `worker-${workers.length + 1}`,
      script: "apps/worker/dist/main.js",
      cwd: dir,
      // Started as the worker supervisor starts its processes in production.
      env: { ...env, ...workerMemoryEnv({}), METRICS_PORT: String(metricsPort) },
    });
    const metrics = `http://127.0.0.1:${metricsPort}/metrics`;
    await waitForHttp(worker, metrics);
    workers.push(worker);
    workerMetrics.push(metrics);
    return worker;
  };
  for (let i = 0; i < options.workers; i++) await addWorker();
  const headers = { Authorization: `Bearer ${BENCH_TOKEN}`, "Content-Type": "application/json" };
  return {
    base,
    api,
    workers,
    workerMetrics,
    post: (path, body) => fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) }),
    get: (path) => fetch(`${base}${path}`, { headers }),
    addWorker,
    async close() {
      await Promise.all([api, ...workers].map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
