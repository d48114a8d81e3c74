import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { pino } from "pino";
import { loadConfig } from "@orch/config";
import type { Scenario } from "@orch/core";
import { startApiRuntime, type ApiRuntime } from "@orch/api";
import { startFakeDatadog, startRedis, type FakeDatadog, type RedisServer } from "@orch/testkit";
import { startWorkerRuntime, type WorkerRuntime } from "@orch/worker";

const TOKEN = "eval-token-0123456789abcdef";

export interface EvalStackOptions {
  /** The scenario of a service, served by the fake Datadog. */
  readonly scenarioFor: (service: string) => Scenario;
  /** The anchor the fake reads at a given moment (scenario offsets are relative to it). */
  readonly anchor: () => number;
  /** OPENAI_API_KEY / OPENAI_BASE_URL for the OpenAI reasoner; absent: offline only. */
  readonly openai?: { readonly apiKey: string; readonly baseUrl?: string };
  readonly logLevel?: string;
  /** orchestrator settings over the defaults (e.g. max_rounds: 0 to measure without drill-downs). */
  readonly orchestrator?: Record<string, unknown>;
}

/** The whole product in this process, reading a fake Datadog that serves the scenarios. */
export interface EvalStack {
  readonly base: string;
  readonly datadog: FakeDatadog;
  post(path: string, body: unknown): Promise<Response>;
  get(path: string): Promise<Response>;
  /** Empties the Datadog read cache, so that a wave serving other data under a service's name reads afresh. */
  flushDatadogCache(): Promise<number>;
  close(): Promise<void>;
}

/** The Datadog cache's keys (CachedSource's default prefix). */
const DATADOG_CACHE_KEYS = "orch:dd:{cache}:*";

/**
 * Starts a private redis-server, the fake Datadog, the workers and the API (on a free port),
 * wired as a deployment would be: DATADOG_API_URL and keys point at the fake, so every read
 * goes through the real Datadog client, the Redis cache and the queue.
 */
export async function startEvalStack(options: EvalStackOptions): Promise<EvalStack> {
  // Everything opened so far, closed in reverse order (also when start-up fails half-way).
  const opened: Array<() => Promise<unknown> | void> = [];
  const closeAll = async () => {
    for (const close of opened.reverse()) {
      try {
        await close();
      } catch {
        // Keep closing the rest: a failed close must not leave a redis-server behind.
      }
    }
  };
  try {
    const datadog = await startFakeDatadog({
      scenarios: options.scenarioFor,
      anchor: () => options.anchor(),
      apiKey: "eval-dd-api-key",
      appKey: "eval-dd-app-key",
    });
    opened.push(() => datadog.close());
    const redis: RedisServer = await startRedis();
    opened.push(() => redis.stop());
    const dir = mkdtempSync(join(tmpdir(), "orch-eval-"));
    opened.push(() => rmSync(dir, { recursive: true, force: true }));
    const configFile = join(dir, "config.json");
    // The deployment's knobs, not the analyst's: no rate limits in the way of a burst of jobs.
    writeFileSync(
      configFile,
      JSON.stringify({
        api: { rate_limit_per_minute: 1_000_000, max_jobs_in_flight: 100_000 },
        datadog: { requests_per_second: 10_000 },
        orchestrator: { job_deadline_seconds: 600, ...options.orchestrator },
      }),
    );
    const config = loadConfig({
      cwd: dir,
      env: {
        NODE_ENV: "production",
        LOG_LEVEL: options.logLevel ?? "silent",
        REDIS_URL: redis.url,
        CONFIG_FILE: configFile,
        API_TOKENS: TOKEN,
        DATADOG_API_KEY: datadog.apiKey,
        DATADOG_APP_KEY: datadog.appKey,
        DATADOG_API_URL: datadog.url,
        ...(options.openai
          ? {
              OPENAI_API_KEY: options.openai.apiKey,
              ...(options.openai.baseUrl ? { OPENAI_BASE_URL: options.openai.baseUrl } : {}),
            }
          : {}),
      },
    });
    const log = pino({ level: config.logLevel });
    const workers: WorkerRuntime = await startWorkerRuntime(config, redis.url, log);
    opened.push(() => workers.close());
    const api: ApiRuntime = await startApiRuntime(config, redis.url, log, 0);
    opened.push(() => api.close());
    const base = `http://127.0.0.1:${api.port}`;
    const headers = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };
    return {
      base,
      datadog,
      post: (path, body) => fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) }),
      get: (path) => fetch(`${base}${path}`, { headers }),
      async flushDatadogCache() {
        const admin = new Redis(redis.url, { lazyConnect: true });
        try {
          await admin.connect();
          let removed = 0;
          let cursor = "0";
          do {
            const [next, keys] = await admin.scan(cursor, "MATCH", DATADOG_CACHE_KEYS, "COUNT", 500);
            cursor = next;
            if (keys.length > 0) removed += await admin.del(...keys);
          } while (cursor !== "0");
          return removed;
        } finally {
          admin.disconnect();
        }
      },
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
