import { cpus, totalmem } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { pino } from "pino";
import { loadConfig, type Config } from "@orch/config";
import { startRedis, type RedisServer } from "@orch/testkit";
import { startApiRuntime, type ApiRuntime } from "@orch/api";
import { startWorkerRuntime, type WorkerRuntime } from "@orch/worker";

export const BENCH_TOKEN = "bench-token-0123456789abcdef";

export interface Stack {
  readonly redis: RedisServer;
  readonly config: Config;
  readonly api: ApiRuntime;
  readonly workers: WorkerRuntime;
  readonly base: string;
  post(path: string, body: unknown): Promise<Response>;
  get(path: string): Promise<Response>;
  close(): Promise<void>;
}

/** The whole service in this process: a private redis-server, workers and the API on a free port. */
export async function startStack(
  overrides: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Promise<Stack> {
  const redis = await startRedis();
  const config = loadConfig({
    env: {
      NODE_ENV: "production",
      LOG_LEVEL: "silent",
      REDIS_URL: redis.url,
      API_TOKENS: BENCH_TOKEN,
      ...env,
    },
    overrides: { api: { rate_limit_per_minute: 1_000_000, max_jobs_in_flight: 100_000 }, ...overrides },
  });
  const log = pino({ level: "silent" });
  const workers = await startWorkerRuntime(config, redis.url, log);
  const api = await startApiRuntime(config, redis.url, log, 0);
  const base = `http://127.0.0.1:${api.port}`;
  const headers = { Authorization: `Bearer ${BENCH_TOKEN}`, "Content-Type": "application/json" };
  return {
    redis,
    config,
    api,
    workers,
    base,
    post: (path, body) => fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) }),
    get: (path) => fetch(`${base}${path}`, { headers }),
    async close() {
      await api.close();
      await workers.close();
      await redis.stop();
    },
  };
}

export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (pos - lo);
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function machine(): Record<string, string | number> {
  const cpu = cpus()[0];
  return {
    node: process.version,
    cpu: cpu?.model ?? "unknown",
    cores: cpus().length,
    memory_gib: round(totalmem() / 2 ** 30, 1),
    platform: `${process.platform}-${process.arch}`,
  };
}

/** Writes a result file under bench/results/ (gitignored) and returns its path. */
export function saveResult(name: string, result: unknown): string {
  const dir = new URL("./results/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  const file = new URL(`${name}.json`, dir);
  writeFileSync(file, JSON.stringify(result, null, 2));
  return file.pathname;
}
