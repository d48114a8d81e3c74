import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { loadConfig, type Config } from "@orch/config";
import { startRedis, type RedisServer } from "@orch/testkit";
import type { Registry } from "prom-client";
import { createMetricsRegistry } from "@orch/runtime";
import { startWorkerRuntime, type WorkerRuntime } from "@orch/worker";
import { startApiRuntime, type ApiRuntime } from "../../src/api-runtime.js";
import { ProblemConformance } from "./problem-conformance.js";

export const TOKEN = "test-token-alice-0123456789";
export const OTHER_TOKEN = "test-token-bob-9876543210";
export const ADMIN_TOKEN = "test-token-admin-5555555555";

/** Where the harness's Redis is: a server it started, or a Cluster or Sentinel setup a test started. */
export interface RedisEndpoint {
  readonly url: string;
  stop(): Promise<void>;
}

export interface HarnessOptions<R extends RedisEndpoint = RedisServer> {
  /** Extra env (e.g. OPENAI_API_KEY, DATADOG_API_URL). */
  readonly env?: Record<string, string>;
  /** config.json content merged over the test defaults. */
  readonly config?: Record<string, unknown>;
  /** Start in-process workers (default true). */
  readonly workers?: boolean;
  /** Reuse a Redis (or a Cluster, or a Sentinel setup) instead of starting one. */
  readonly redis?: R;
  /** The built web console to serve at `/` (the browser tests build one). */
  readonly consoleDir?: string;
}

export interface Harness<R extends RedisEndpoint = RedisServer> {
  readonly base: string;
  readonly redis: R;
  readonly config: Config;
  readonly configFile: string;
  readonly env: Record<string, string>;
  /** One metrics registry for the API and the in-process workers, as in `npm start`. */
  readonly registry: Registry;
  readonly api: ApiRuntime;
  workers: WorkerRuntime | undefined;
  startWorkers(): Promise<WorkerRuntime>;
  request(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

/** Test defaults: short locks so a killed worker's job is picked up in seconds. */
const TEST_CONFIG = {
  orchestrator: {
    lock_duration_ms: 2000,
    stalled_interval_ms: 1000,
    retry_backoff_ms: 100,
    timeout_seconds: 20,
  },
  // Tests submit many jobs from one token; the per-token caps have tests of their own that set them.
  api: { rate_limit_per_minute: 1_000_000, max_jobs_in_flight: 100_000 },
};

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      v &&
      typeof v === "object" &&
      !Array.isArray(v) &&
      prev &&
      typeof prev === "object" &&
      !Array.isArray(prev)
        ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** A real orchestrator for a test file: its own redis-server, the API on a free port, in-process workers. */
export async function startHarness<R extends RedisEndpoint = RedisServer>(
  options: HarnessOptions<R> = {},
): Promise<Harness<R>> {
  // Without a Redis of the test's own, R is RedisServer (its default).
  const redis = options.redis ?? ((await startRedis()) as unknown as R);
  const dir = mkdtempSync(join(tmpdir(), "orch-test-"));
  const configFile = join(dir, "config.json");
  writeFileSync(configFile, JSON.stringify(merge(TEST_CONFIG, options.config ?? {})));
  const env: Record<string, string> = {
    NODE_ENV: "test",
    REDIS_URL: redis.url,
    CONFIG_FILE: configFile,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    API_TOKENS: `${TOKEN};name=alice,${OTHER_TOKEN};name=bob,${ADMIN_TOKEN};name=ops;role=admin`,
    ...options.env,
  };
  const config = loadConfig({ env });
  const log = pino({ level: config.logLevel });
  const registry = createMetricsRegistry();
  const api = await startApiRuntime(config, redis.url, log, 0, {
    registry,
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
  });
  const base = `http://127.0.0.1:${api.port}`;
  let conformance: Promise<ProblemConformance> | undefined;
  /** Every error response a test gets through `request` must conform to the published contract. */
  const conforms = async (method: string, path: string, res: Response): Promise<void> => {
    if (!res.headers.get("content-type")?.includes("application/problem+json")) return;
    conformance ??= fetch(`${base}/openapi.json`).then(
      async (doc) =>
        new ProblemConformance((await doc.json()) as ConstructorParameters<typeof ProblemConformance>[0]),
    );
    const body = await res.clone().json();
    const wrong = (await conformance).violation(method, path, res.status, body);
    if (wrong) throw new Error(`error response of ${method} ${path} breaks the contract: ${wrong}`);
  };
  const harness: Harness<R> = {
    base,
    redis,
    config,
    configFile,
    env,
    registry,
    api,
    workers: undefined,
    async startWorkers() {
      harness.workers = await startWorkerRuntime(config, redis.url, log, { registry });
      return harness.workers;
    },
    async request(path, init = {}) {
      const { token = TOKEN, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== null) headers.set("Authorization", `Bearer ${token}`);
      if (rest.body !== undefined && !headers.has("Content-Type"))
        headers.set("Content-Type", "application/json");
      const res = await fetch(`${base}${path}`, { ...rest, headers });
      await conforms(rest.method ?? "GET", path, res);
      return res;
    },
    async close() {
      await harness.workers?.close();
      await api.close();
      if (!options.redis) await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (options.workers !== false) await harness.startWorkers();
  return harness;
}

/** POSTs a job and returns its id. */
export async function submitJob(
  h: Harness<RedisEndpoint>,
  body: Record<string, unknown>,
  token?: string,
): Promise<string> {
  const res = await h.request("/jobs", {
    method: "POST",
    body: JSON.stringify(body),
    ...(token ? { token } : {}),
  });
  if (res.status !== 202) throw new Error(`POST /jobs answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { job_id: string }).job_id;
}

/** Long-polls a job until it ends (or the deadline passes) and returns its view. */
export async function waitForJob(
  h: Harness<RedisEndpoint>,
  id: string,
  seconds = 60,
  token?: string,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const res = await h.request(`/jobs/${id}?wait=${Math.min(30, seconds)}`, token ? { token } : {});
    const view = (await res.json()) as Record<string, unknown>;
    if (["completed", "failed", "cancelled"].includes(String(view.status)) || Date.now() > deadline)
      return view;
  }
}
