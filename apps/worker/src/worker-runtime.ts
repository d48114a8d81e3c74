import type { Logger } from "pino";
import type { Config } from "@orch/config";
import type { Reasoner } from "@orch/core";
import { backendFromConfig } from "@orch/backend";
import { createReasoner } from "@orch/llm";
import {
  createRedis,
  JobStore,
  PhaseQueues,
  SessionStore,
  WebhookQueue,
  waitForRedis,
  webhookOnEnd,
  type StoredJob,
} from "@orch/queue";
import { Registry } from "prom-client";
import { createWorkers, type WorkerSet } from "./create-workers.js";
import { WorkerMetrics } from "./worker-metrics.js";
import { ServiceResolver } from "./service-resolver.js";
import { SessionHistory } from "./session-history.js";
import { WebhookSender } from "./webhook-sender.js";
import { createWebhookWorker } from "./webhook-worker.js";

export interface WorkerRuntime {
  readonly workers: WorkerSet;
  /** Where the workers' metrics are (the one passed in, or their own). */
  readonly registry: Registry;
  close(): Promise<void>;
}

export interface WorkerRuntimeOptions {
  /** Share a metrics registry (`npm start` runs the API and workers on one). */
  readonly registry?: Registry;
}

/** The phase policy shared by producers and workers, from config. */
export function phasePolicy(config: Config) {
  return {
    attempts: config.orchestrator.retry_attempts,
    backoffMs: config.orchestrator.retry_backoff_ms,
    keepCompletedSeconds: 3600,
    keepFailedSeconds: 7 * 86_400,
  };
}

/** The retry policy of webhook deliveries, shared by the processes that queue them. */
export function webhookPolicy(config: Config) {
  return { attempts: config.webhooks.attempts, backoffMs: config.webhooks.backoff_ms };
}

/** Builds the adapters from config and starts the three phase workers. */
export async function startWorkerRuntime(
  config: Config,
  redisUrl: string,
  log: Logger,
  options: WorkerRuntimeOptions = {},
): Promise<WorkerRuntime> {
  const registry = options.registry ?? new Registry();
  const metrics = new WorkerMetrics(registry);
  const redisErrors = (error: Error, role: string) =>
    log.warn({ err: error, role }, "Redis connection error (reconnecting)");
  const connection = createRedis(redisUrl, "worker", {}, redisErrors);
  const subscriber = createRedis(redisUrl, "subscriber", {}, redisErrors);
  await waitForRedis(connection, redisUrl);
  // Jobs that complete, fail or hit their deadline end here: their webhooks are queued from here.
  const webhooks =
    config.webhooks.allowed_hosts.length > 0
      ? new WebhookQueue(connection, config.queue.prefix, webhookPolicy(config))
      : undefined;
  const queueWebhook = webhooks ? webhookOnEnd(connection, webhooks) : undefined;
  const store = new JobStore(connection, {
    retentionSeconds: config.orchestrator.job_retention_seconds,
    onEnd: async (end) => {
      metrics.jobEnded(end);
      await queueWebhook?.(end);
    },
    onHookError: (error, end) => log.warn({ err: error, jobId: end.id }, "job end hook failed"),
  });
  const queues = new PhaseQueues(connection, config.queue.prefix, phasePolicy(config));
  const sessions = new SessionStore(connection, {
    retentionSeconds: config.sessions.retention_seconds,
    maxMessages: config.sessions.max_messages,
  });
  const backend = backendFromConfig(config.backend);
  const services = new ServiceResolver({
    datadog: config.datadog,
    services: config.services,
    redis: connection,
    ...(backend ? { directory: backend.directory } : {}),
  });
  const history = new SessionHistory({
    sessions,
    ...(backend ? { backend: backend.client } : {}),
    limit: config.llm.history_messages,
    log,
  });
  const reasoner = createReasoner(config);
  const offline: Reasoner = config.openai ? createReasoner(config, { forceOffline: true }) : reasoner;

  const workers = await createWorkers({
    connection,
    subscriber,
    store,
    queues,
    log,
    options: {
      prefix: config.queue.prefix,
      concurrency: config.orchestrator.concurrency,
      lockDurationMs: config.orchestrator.lock_duration_ms,
      stalledIntervalMs: config.orchestrator.stalled_interval_ms,
    },
    deps: {
      serviceFor: (job, signal) => services.resolve(job, signal),
      reasonerFor: (job: StoredJob) => (job.request.options?.reasoner === "offline" ? offline : reasoner),
      historyFor: (job, signal) => history.forJob(job, signal),
      rememberAnswer: (job, answer) => history.remember(job, answer),
      now: Date.now,
      defaultTimeframe: config.datadog.default_timeframe,
      maxSteps: config.orchestrator.max_reasoning_steps,
      toolConcurrency: config.orchestrator.tool_concurrency,
    },
    observer: metrics.observePhase,
    afterComplete: (job) => history.share(job),
  });
  const webhookWorker =
    webhooks && config.webhookSecret
      ? createWebhookWorker({
          connection,
          store,
          sender: new WebhookSender({
            secret: config.webhookSecret,
            policy: {
              allowedHosts: config.webhooks.allowed_hosts,
              allowPrivate: config.webhooks.allow_private,
            },
            timeoutMs: config.webhooks.timeout_ms,
          }),
          log,
          prefix: config.queue.prefix,
          concurrency: config.webhooks.concurrency,
        })
      : undefined;
  log.info(
    { reasoner: reasoner.id, concurrency: config.orchestrator.concurrency, prefix: config.queue.prefix },
    "workers started",
  );
  return {
    workers,
    registry,
    async close() {
      await workers.close();
      await webhookWorker?.close();
      await queues.close();
      await webhooks?.close();
      await services.close();
      await Promise.all([connection.quit().catch(() => undefined), subscriber.quit().catch(() => undefined)]);
    },
  };
}
