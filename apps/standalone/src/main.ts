import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { startApiRuntime } from "@orch/api";
import { loadConfig, parseApiTokens, type Config } from "@orch/config";
import { redactRedisUrl } from "@orch/queue";
import { createLogger, createMetricsRegistry, shutdownOnSignal, tuneHeap } from "@orch/runtime";
import { startWorkerRuntime } from "@orch/worker";
import { locateRedis } from "./redis-locator.js";

/** Prints the generated token once, with a request ready to paste. */
function printWelcome(config: Config, port: number, token: string | undefined): void {
  const base = `http://localhost:${port}`;
  const lines = [
    "",
    `AI Orchestrator is running on ${base}`,
    `  reasoner: ${config.openai ? `openai (${config.llm.model})` : "offline (set OPENAI_API_KEY for a model)"}`,
    `  data:     ${config.datadog.apiKey ? `Datadog (${config.datadog.apiUrl ?? config.datadog.site})` : "demo (set DATADOG_API_KEY and DATADOG_APP_KEY for Datadog)"}`,
  ];
  if (token) {
    lines.push(
      "",
      "No API_TOKENS set, so this run generated a token (it is not stored; set API_TOKENS to keep one):",
      `  ${token}`,
      "",
      "Try it:",
      `  curl -s -X POST ${base}/orchestrate -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' \\`,
      `    -d '{"service_id":"api-gateway","session_id":"s1","user_message":"Investigate recent 5xx errors"}'`,
    );
  }
  lines.push("", `Console: ${base}/    API docs: ${base}/docs    Queues: ${base}/admin/queues`, "");
  process.stdout.write(lines.join("\n") + "\n");
}

/** `npm start`: API and workers in one process, with demo data and the offline reasoner by default. */
async function main(): Promise<void> {
  tuneHeap();
  if (existsSync(".env")) process.loadEnvFile(".env");
  let config = loadConfig({ env: process.env, cwd: process.cwd() });
  let generated: string | undefined;
  if (config.tokens.length === 0) {
    generated = `orch_${randomBytes(24).toString("base64url")}`;
    config = { ...config, tokens: parseApiTokens(`${generated};name=local;role=admin`) };
  }
  const log = createLogger(config, "orchestrator");
  // Before the workers take jobs: a SIGTERM during start-up drains them once they are up.
  const shutdown = shutdownOnSignal(log);
  const redis = await locateRedis(config.redisUrl, process.cwd(), log);
  log.info({ redis: redactRedisUrl(redis.url), source: redis.source }, "using Redis");
  // One registry: a scrape of /metrics (or metrics.port) sees the API and the workers together.
  const registry = createMetricsRegistry();
  const workers = await startWorkerRuntime(config, redis.url, log, { registry });
  const api = await startApiRuntime(config, redis.url, log, config.port, { registry });
  printWelcome(config, api.port, generated);
  shutdown.drainWith(async () => {
    await api.close();
    await workers.close();
    await redis.stop();
  });
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`AI Orchestrator failed to start: ${message}\n`);
  process.exit(1);
});
