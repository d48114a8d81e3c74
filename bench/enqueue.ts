import { freePort, startRedis } from "@orch/testkit";
import type { BenchSettings } from "./support/bench-settings.js";
import { postLoad, type LoadResult } from "./support/load.js";
import { spawnProcess, waitForHttp } from "./support/service-process.js";
import { LOAD_TOKENS, startServiceStack } from "./support/service-stack.js";
import { median, round } from "./support/stats.js";

export interface EnqueueResult {
  readonly connections: number;
  readonly seconds_per_round: number;
  readonly rounds: number;
  readonly baseline: EnqueueSummary;
  readonly service: EnqueueSummary;
  /** service requests/s ÷ baseline requests/s */
  readonly ratio: number;
}

export interface EnqueueSummary {
  readonly requests_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly requests: number;
  /**
   * CPU time of the server process (user + system) per request, in µs: steadier than requests/s
   * on a shared machine, where the load generator and Redis take turns on the same cores.
   */
  readonly cpu_us_per_request: number;
  readonly failed: number;
  /** The failed responses by status (429: a per-token limit; 503: admission control or Redis). */
  readonly failed_by_status: Readonly<Record<string, number>>;
}

const JOB = {
  service_id: "api-gateway",
  user_message: "Investigate recent 5xx errors and their root causes",
};

/** A round's load, with the CPU time the server process spent on it. */
interface Round extends LoadResult {
  readonly cpu_ms: number;
}

function summarise(runs: readonly Round[]): EnqueueSummary {
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  return {
    requests_per_s: round(median(runs.map((r) => r.requests_per_s))),
    p50_ms: round(median(runs.map((r) => r.latency_ms.p50)), 2),
    p99_ms: round(median(runs.map((r) => r.latency_ms.p99)), 2),
    requests,
    cpu_us_per_request: round((runs.reduce((ms, r) => ms + r.cpu_ms, 0) * 1000) / requests),
    failed: runs.reduce((n, r) => n + r.errors + r.unexpected, 0),
    failed_by_status: sumCounts(runs.map((r) => r.unexpected_by_status)),
  };
}

function sumCounts(counts: ReadonlyArray<Readonly<Record<string, number>>>): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const count of counts) for (const [key, n] of Object.entries(count)) sum[key] = (sum[key] ?? 0) + n;
  return sum;
}

/**
 * POST /jobs under load (no workers: jobs wait in the queue) against a bare Koa route that only
 * parses the body and does `queue.add`, both separate processes on one private Redis, measured
 * in alternating rounds so drift on a shared machine hits both.
 */
export async function benchEnqueue(settings: BenchSettings): Promise<EnqueueResult> {
  const redis = await startRedis();
  const stack = await startServiceStack({ redis, workers: 0, concurrency: 8 });
  const barePort = await freePort();
  const bare = spawnProcess({
    name: "bare-enqueue",
    script: "bench/baselines/bare-enqueue-server.ts",
    typescript: true,
    env: { REDIS_URL: redis.url, PORT: String(barePort), NODE_ENV: "production" },
  });
  const bareBase = `http://127.0.0.1:${barePort}`;
  try {
    await waitForHttp(bare, `${bareBase}/healthz`);
    const connections = 50;
    const targets = {
      baseline: { url: `${bareBase}/jobs`, headers: {}, process: bare },
      service: {
        url: `${stack.base}/jobs`,
        process: stack.api,
        clients: LOAD_TOKENS.map((token) => ({ authorization: `Bearer ${token}` })),
      },
    };
    const load = async (target: keyof typeof targets, seconds: number): Promise<Round> => {
      const { process: server, ...where } = targets[target];
      const cpuBefore = server.cpuMs();
      const result = await postLoad({ ...where, body: JOB, connections, seconds, expectStatus: 202 });
      return { ...result, cpu_ms: server.cpuMs() - cpuBefore };
    };
    await load("baseline", 2);
    await load("service", 2);
    const runs: Record<keyof typeof targets, Round[]> = { baseline: [], service: [] };
    for (let i = 0; i < settings.rounds; i++) {
      const order: (keyof typeof targets)[] = i % 2 === 0 ? ["baseline", "service"] : ["service", "baseline"];
      for (const target of order) runs[target].push(await load(target, settings.loadSeconds));
    }
    const baseline = summarise(runs.baseline);
    const service = summarise(runs.service);
    return {
      connections,
      seconds_per_round: settings.loadSeconds,
      rounds: settings.rounds,
      baseline,
      service,
      ratio: round(service.requests_per_s / baseline.requests_per_s, 2),
    };
  } finally {
    await bare.stop();
    await stack.close();
    await redis.stop();
  }
}
