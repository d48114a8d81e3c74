import { setMaxListeners } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import type { Config } from "@orch/config";
import {
  AlertQueue,
  CapacityBoard,
  JobEvents,
  RedisOutageLog,
  JobStore,
  PhaseQueues,
  SessionStore,
  WebhookQueue,
  createRedis,
  phasePolicy,
  waitForRedis,
  webhookOnEnd,
  webhookPolicy,
} from "@orch/queue";
import { countJobEnds, startMetricsServer, type MetricsServer } from "@orch/runtime";
import { createApp } from "./app.js";
import { createHttpServer, type HttpTimeouts } from "./http-server.js";
import { AdmissionControl } from "./ops/admission-control.js";
import { ApiMetrics } from "./ops/api-metrics.js";

export interface ApiRuntime {
  readonly server: Server;
  readonly port: number;
  /** The process's job-events subscription (its listener count shows open waits and streams). */
  readonly events: JobEvents;
  /** The port of the unauthenticated metrics listener, when metrics.port is set. */
  readonly metricsPort?: number;
  /** Stops accepting connections, lets in-flight requests finish, closes Redis. */
  close(): Promise<void>;
}

export interface ApiRuntimeOptions {
  /** Share a metrics registry (`npm start` runs the API and workers on one). */
  readonly registry?: Registry;
  /** How long a client may take to send a request (DEFAULT_TIMEOUTS: 10 s for headers, 30 s in all). */
  readonly timeouts?: HttpTimeouts;
  /** The built web console to serve at `/` (default: apps/console/dist). */
  readonly consoleDir?: string;
}

/** Builds the API's adapters from config, and listens (and on metrics.port, when set). */
export async function startApiRuntime(
  config: Config,
  redisUrl: string,
  log: Logger,
  port = config.port,
  options: ApiRuntimeOptions = {},
): Promise<ApiRuntime> {
  const registry = options.registry ?? new Registry();
  const jobEnded = countJobEnds(registry);
  // An outage is logged when it starts and when it ends, with the errors counted between.
  const outage = new RedisOutageLog(log);
  const redis = createRedis(redisUrl, "http");
  const subscriber = createRedis(redisUrl, "subscriber");
  outage.watch(redis, "http");
  outage.watch(subscriber, "subscriber");
  await waitForRedis(redis, redisUrl);
  // Cancellations end jobs here, so this process queues their webhooks too; Bull Board lists the
  // queue (Slack messages go through it as well) even where no callback host is allowed.
  const webhooks = new WebhookQueue(redis, config.queue.prefix, webhookPolicy(config));
  const webhookEnd = config.webhooks.allowed_hosts.length > 0 ? webhookOnEnd(redis, webhooks) : undefined;
  const store = new JobStore(redis, {
    retentionSeconds: config.orchestrator.job_retention_seconds,
    evidenceRetentionSeconds: config.orchestrator.evidence_retention_seconds,
    onEnd: async (end) => {
      jobEnded(end);
      await webhookEnd?.(end);
    },
    onHookError: (error: unknown, end: { id: string }) =>
      log.warn({ err: error, jobId: end.id }, "webhook not queued"),
  });
  const closing = new AbortController();
  // Every open event stream and long-wait listens to it.
  setMaxListeners(0, closing.signal);
  // Queueing shares the fail-fast HTTP connection: a submit meets Redis errors as a 503 instead
  // of hanging.
  const queues = new PhaseQueues(redis, config.queue.prefix, phasePolicy(config));
  const events = new JobEvents(subscriber);
  await events.start();
  const sessions = new SessionStore(redis, {
    retentionSeconds: config.sessions.retention_seconds,
    maxMessages: config.sessions.max_messages,
  });
  const alertQueue = new AlertQueue(redis, config.queue.prefix);
  const metrics = new ApiMetrics(registry, queues);
  const admission = new AdmissionControl({
    redis,
    queues,
    board: new CapacityBoard(redis),
    registry,
    settings: {
      deadlineSeconds: config.orchestrator.job_deadline_seconds,
      maxQueuedJobs: config.api.max_queued_jobs,
      maxRedisMemoryRatio: config.api.max_redis_memory_ratio,
      datadogRequestsPerSecond: config.datadog.requests_per_second,
    },
  });
  await admission.start();
  const app = createApp({
    admission,
    config,
    log,
    redis,
    store,
    queues,
    events,
    sessions,
    alertQueue,
    webhookQueue: webhooks,
    closing: closing.signal,
    metrics,
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
  });
  const handle = app.callback();
  const http = createHttpServer((req, res) => {
    void handle(req, res);
  }, options.timeouts);
  const { server } = http;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  log.info({ port: actualPort }, "API listening");
  let metricsServer: MetricsServer | undefined;
  if (config.metrics.port !== undefined) {
    metricsServer = await startMetricsServer(registry, config.metrics.port, config.host, log);
  }
  return {
    server,
    port: actualPort,
    events,
    ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
    async close() {
      // Draining first: the answers that the abort brings (long waits) already say Connection: close.
      const drained = http.drain();
      closing.abort();
      admission.stop();
      await drained;
      await events.close();
      await queues.close();
      await alertQueue.close();
      await webhooks.close();
      await metricsServer?.close();
      await Promise.all([redis, subscriber].map((r) => r.quit().catch(() => undefined)));
    },
  };
}
