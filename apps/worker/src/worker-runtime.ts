import type { Logger } from "pino";
import type { Config } from "@orch/config";
import { parseDuration, type Reasoner } from "@orch/core";
import { backendFromConfig } from "@orch/backend";
import { createReasoner } from "@orch/llm";
import {
  AlertQueue,
  CapacityBoard,
  RedisOutageLog,
  createRedis,
  JobStore,
  PhaseQueues,
  SessionStore,
  WebhookQueue,
  phasePolicy,
  waitForRedis,
  webhookPolicy,
  type StoredJob,
} from "@orch/queue";
import { Registry } from "prom-client";
import { createAlertAdmissionWorker } from "./alert-admission-worker.js";
import { CapacityReporter } from "./capacity-reporter.js";
import { createWorkers, type WorkerSet } from "./create-workers.js";
import { liveConnectionName, workerName } from "./dead-worker-locks.js";
import { SlackSender } from "./slack/slack-sender.js";
import { slackRouteFor } from "./slack/slack-route.js";
import { JobEndHooks, type EndHook } from "./job-end-hooks.js";
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

/** Builds the adapters from config and starts the three phase workers. */
export async function startWorkerRuntime(
  config: Config,
  redisUrl: string,
  log: Logger,
  options: WorkerRuntimeOptions = {},
): Promise<WorkerRuntime> {
  const registry = options.registry ?? new Registry();
  const metrics = new WorkerMetrics(registry);
  // An outage is logged when it starts and when it ends, with the errors counted between.
  const outage = new RedisOutageLog(log);
  // BullMQ's workers on one connection; records, cache, sessions and queueing the next phase on
  // another (a save and the next phase's queueing go out in order on it; no auto-pipelining:
  // ioredis copies every script BullMQ defines onto each auto-pipeline it opens).
  // The BullMQ connection carries the process's name: other workers see from it that it is alive.
  const name = workerName();
  const connection = createRedis(redisUrl, "worker", { connectionName: liveConnectionName(name) });
  const data = createRedis(redisUrl, "worker");
  const subscriber = createRedis(redisUrl, "subscriber");
  outage.watch(connection, "worker");
  outage.watch(data, "data");
  outage.watch(subscriber, "subscriber");
  await Promise.all([waitForRedis(connection, redisUrl), waitForRedis(data, redisUrl)]);
  // Jobs that complete, fail or hit their deadline end here: their webhooks and Slack messages
  // are queued from here.
  const slackRoutes = config.slack.routes;
  const webhooks =
    config.webhooks.allowed_hosts.length > 0 || slackRoutes.length > 0
      ? new WebhookQueue(data, config.queue.prefix, webhookPolicy(config))
      : undefined;
  const alertQueue = new AlertQueue(data, config.queue.prefix);
  await alertQueue.setConcurrency(config.alerts.concurrency);
  // The store's own hook only counts ends (once, where they happen); the side effects clients
  // rely on are end hooks, run at least once (JobEndHooks).
  const store = new JobStore(data, {
    retentionSeconds: config.orchestrator.job_retention_seconds,
    evidenceRetentionSeconds: config.orchestrator.evidence_retention_seconds,
    onEnd: (end) => metrics.jobEnded(end),
    onHookError: (error, end) => log.warn({ err: error, jobId: end.id }, "job end hook failed"),
  });
  const queues = new PhaseQueues(data, config.queue.prefix, phasePolicy(config));
  const sessions = new SessionStore(data, {
    retentionSeconds: config.sessions.retention_seconds,
    maxMessages: config.sessions.max_messages,
  });
  const backend = backendFromConfig(config.backend);
  const services = new ServiceResolver({
    datadog: config.datadog,
    services: config.services,
    redis: data,
    // Datadog retries and failures, with the host they went to (answers name the org, not the URL).
    logger: log.child({ component: "datadog" }),
    ...(backend ? { directory: backend.directory } : {}),
  });
  const history = new SessionHistory({
    sessions,
    ...(backend ? { backend: backend.client } : {}),
    limit: config.llm.history_messages,
    log,
  });
  const hooks: EndHook[] = [
    // The saved answer joins the session first: a follow-up is planned with it.
    { name: "session", run: (job) => history.remember(job) },
    ...(webhooks
      ? [
          {
            name: "webhook",
            run: async (job: StoredJob) => {
              if (job.callback_url) await webhooks.enqueue(job.id);
              if (slackRouteFor(slackRoutes, job)) await webhooks.enqueueSlack(job.id);
            },
          },
        ]
      : []),
    // Best effort (the backend client retries; a failure is logged, not thrown), so last.
    { name: "backend", run: (job) => history.share(job) },
  ];
  const endHooks = new JobEndHooks({ redis: data, store, hooks, log });
  const capacity = new CapacityReporter(new CapacityBoard(data), config.orchestrator.concurrency, log);
  await services.warmUp();
  const reasoner = createReasoner(config);
  const offline: Reasoner = config.openai ? createReasoner(config, { forceOffline: true }) : reasoner;

  const workers = await createWorkers({
    connection,
    workerName: name,
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
      serviceFor: (job, signal, demoAnchor) => services.resolve(job, signal, demoAnchor),
      reasonerFor: (job: StoredJob) => (job.request.options?.reasoner === "offline" ? offline : reasoner),
      historyFor: (job, signal) => history.forJob(job, signal),
      demoAnchorFor: (job) => history.demoAnchorFor(job),
      rememberAnswer: (job, answer) => history.record(job, answer),
      now: Date.now,
      defaultTimeframe: config.datadog.default_timeframe,
      alertLookbackMs: parseDuration(config.alerts.lookback) ?? 3_600_000,
      maxSteps: config.orchestrator.max_reasoning_steps,
      maxRounds: config.orchestrator.max_rounds,
      toolConcurrency: config.orchestrator.tool_concurrency,
    },
    outage,
    observer: (seen) => {
      metrics.observePhase(seen);
      capacity.observe(seen);
    },
    endHooks,
    // A job the sweeper finds never queued: an alert's waits for its turn like the others.
    requeue: async (id) => {
      const job = await store.get(id, []);
      await (job?.request.alert ? alertQueue.enqueue(id) : queues.enqueue("planning", id));
    },
  });
  const admission = createAlertAdmissionWorker({
    connection,
    redis: data,
    store,
    queues,
    events: workers.events,
    log,
    prefix: config.queue.prefix,
    jobDeadlineSeconds: config.orchestrator.job_deadline_seconds,
    outage,
    lockDurationMs: config.orchestrator.lock_duration_ms,
    stalledIntervalMs: config.orchestrator.stalled_interval_ms,
  });
  const webhookWorker = webhooks
    ? createWebhookWorker({
        connection,
        store,
        ...(config.webhookSecret && config.webhooks.allowed_hosts.length > 0
          ? {
              sender: new WebhookSender({
                secret: config.webhookSecret,
                policy: {
                  allowedHosts: config.webhooks.allowed_hosts,
                  allowPrivate: config.webhooks.allow_private,
                },
                timeoutMs: config.webhooks.timeout_ms,
              }),
            }
          : {}),
        ...(slackRoutes.length > 0
          ? {
              slack: {
                sender: new SlackSender(config.slack.timeout_ms),
                routes: slackRoutes,
                ...(config.slack.link_base_url ? { linkBase: config.slack.link_base_url } : {}),
              },
            }
          : {}),
        log,
        outage,
        prefix: config.queue.prefix,
        concurrency: config.webhooks.concurrency,
        lockDurationMs: config.orchestrator.lock_duration_ms,
        stalledIntervalMs: config.orchestrator.stalled_interval_ms,
      })
    : undefined;
  capacity.start();
  log.info(
    { reasoner: reasoner.id, concurrency: config.orchestrator.concurrency, prefix: config.queue.prefix },
    "workers started",
  );
  return {
    workers,
    registry,
    async close() {
      await capacity.stop();
      await admission.close();
      await workers.close();
      await webhookWorker?.close();
      await alertQueue.close();
      await queues.close();
      await webhooks?.close();
      await services.close();
      await Promise.all([connection, data, subscriber].map((r) => r.quit().catch(() => undefined)));
    },
  };
}
