import { existsSync } from "node:fs";
import { ConfigError, loadConfig } from "@orch/config";
import { redactRedisUrl } from "@orch/queue";
import { createLogger, createMetricsRegistry, onShutdownSignal, tuneHeap } from "@orch/runtime";
import { startApiRuntime } from "./api-runtime.js";

/** The API process alone; workers run as their own processes (npm run start:worker). */
async function main(): Promise<void> {
  tuneHeap();
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig({ env: process.env, cwd: process.cwd() });
  const log = createLogger(config, "api");
  if (config.tokens.length === 0) {
    throw new ConfigError("API_TOKENS is empty: set at least one token for the API (see .env.example)");
  }
  const redisUrl = config.redisUrl ?? "redis://127.0.0.1:6379";
  log.info({ redis: redactRedisUrl(redisUrl) }, "connecting to Redis");
  const runtime = await startApiRuntime(config, redisUrl, log, config.port, {
    registry: createMetricsRegistry(),
  });
  onShutdownSignal(log, () => runtime.close());
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`api failed to start: ${message}\n`);
  process.exit(1);
});
