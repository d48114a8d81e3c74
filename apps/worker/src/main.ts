import cluster from "node:cluster";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { ConfigError, loadConfig } from "@orch/config";
import { redactRedisUrl } from "@orch/queue";
import {
  createLogger,
  createMetricsRegistry,
  shutdownOnSignal,
  startMetricsServer,
  tuneHeap,
} from "@orch/runtime";
import { startWorkerRuntime } from "./worker-runtime.js";
import { superviseWorkers } from "./worker-supervisor.js";

/** The worker process: the three phase workers, scaled by running more of these. */
async function main(): Promise<void> {
  tuneHeap();
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig({ env: process.env, cwd: process.cwd() });
  const log = createLogger(config, "worker");
  const processes = config.workerProcesses ?? availableParallelism();
  if (processes > 1 && cluster.isPrimary) {
    // The supervisor: N copies of this process, each a worker with WORKER_PROCESSES=1.
    superviseWorkers({
      processes,
      log,
      ...(config.metrics.port !== undefined ? { metricsPort: config.metrics.port } : {}),
    });
    return;
  }
  // Before the workers take jobs: a SIGTERM during start-up drains them once they are up.
  const shutdown = shutdownOnSignal(log);
  const redisUrl = config.redisUrl ?? "redis://127.0.0.1:6379";
  log.info({ redis: redactRedisUrl(redisUrl) }, "connecting to Redis");
  const registry = createMetricsRegistry();
  const runtime = await startWorkerRuntime(config, redisUrl, log, { registry });
  // Workers have no HTTP API: their metrics are scraped on metrics.port when it is set.
  const metrics =
    config.metrics.port !== undefined
      ? await startMetricsServer(registry, config.metrics.port, config.host, log)
      : undefined;
  shutdown.drainWith(async () => {
    await runtime.close();
    await metrics?.close();
  });
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
  process.stderr.write(`worker failed to start: ${message}\n`);
  process.exit(1);
});
