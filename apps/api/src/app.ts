import Koa from "koa";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import type { Config } from "@orch/config";
import { NotFound } from "@orch/core";
import {
  AlertLedger,
  ReplicaAcks,
  type AlertQueue,
  type JobEvents,
  type JobStore,
  type PhaseQueues,
  type SessionStore,
  type WebhookQueue,
  type RedisClient,
} from "@orch/queue";
import { AlertIntake } from "./alerts/alert-intake.js";
import { webhookSecret, type IntakeState } from "./alerts/webhook-secret.js";
import type { AppState, AuthedState } from "./app-state.js";
import { consoleAssets, defaultConsoleDir } from "./console/console-assets.js";
import { routerOf, type ApiRoute } from "./contract/api-route.js";
import { Idempotency } from "./jobs/idempotency.js";
import { JobService, type JobServiceDeps } from "./jobs/job-service.js";
import { authenticate } from "./middleware/authenticate.js";
import { errorHandler } from "./middleware/error-handler.js";
import { jsonBody } from "./middleware/json-body.js";
import { methodNotAllowed } from "./middleware/method-not-allowed.js";
import { requestContext } from "./middleware/request-context.js";
import { ApiMetrics } from "./ops/api-metrics.js";
import { apiDocsRouter } from "./ops/api-docs-router.js";
import { AuthFailureLimit } from "./ops/auth-failure-limit.js";
import { bullBoard } from "./ops/bull-board.js";
import { metricsRoutes } from "./ops/metrics-routes.js";
import { openApiDocument } from "./ops/openapi-document.js";
import { rateLimit } from "./ops/rate-limit.js";
import { alertsRoutes } from "./routes/alerts-routes.js";
import { eventsRoutes } from "./routes/events-routes.js";
import { evidenceRoutes } from "./routes/evidence-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { jobsRoutes } from "./routes/jobs-routes.js";
import { orchestrateRoutes } from "./routes/orchestrate-routes.js";
import { servicesRoutes } from "./routes/services-routes.js";
import { sessionsRoutes } from "./routes/sessions-routes.js";
import { ServiceCatalog } from "./services/service-catalog.js";

export interface AppDeps {
  readonly config: Config;
  readonly log: Logger;
  /** A fail-fast connection for the HTTP path. */
  readonly redis: RedisClient;
  readonly store: JobStore;
  readonly queues: PhaseQueues;
  readonly events: JobEvents;
  readonly sessions: SessionStore;
  /** Where alert-started jobs wait for their turn. */
  readonly alertQueue: AlertQueue;
  /** The webhook and Slack deliveries' queue, for Bull Board to list with the others. */
  readonly webhookQueue?: WebhookQueue;
  /** The built web console served at `/` (default: the @orch/console workspace's dist/). */
  readonly consoleDir?: string;
  readonly now?: () => number;
  /** Fires when the server shuts down: event streams end and long-waits answer at once. */
  readonly closing?: AbortSignal;
  /** Where the API's metrics go (shared with the workers under `npm start`); its own when absent. */
  readonly metrics?: ApiMetrics;
  /** Load shedding for the whole deployment (AdmissionControl); none when absent. */
  readonly admission?: JobServiceDeps["admission"];
}

/** `/jobs/` names no job: a 404 like any unknown job, whatever the method. */
const missingJobId: Koa.Middleware<AppState> = async (ctx, next) => {
  if (ctx.path !== "/jobs/") {
    await next();
    return;
  }
  throw new NotFound(
    "No job id in the path: /jobs/{id} takes the id POST /jobs returned (GET /jobs lists your jobs).",
  );
};

/** Builds the Koa app: a short list of middleware, then the routers. It never listens. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const { config } = deps;
  // Behind a reverse proxy the client address (for the auth-failure limit) is in X-Forwarded-For.
  const app = new Koa<AppState>({ proxy: config.api.trust_proxy });
  const metrics = deps.metrics ?? new ApiMetrics(new Registry(), deps.queues);
  const replicas = new ReplicaAcks(deps.redis, {
    replicas: config.queue.replica_acks,
    timeoutMs: config.queue.replica_ack_timeout_ms,
    onShortfall: (shortfall) =>
      deps.log.warn(
        shortfall,
        "Redis replicas did not confirm new jobs in time (queue.replica_acks); accepted them anyway",
      ),
  });
  const jobs = new JobService({
    config,
    replicas,
    metrics,
    ...(deps.closing ? { closing: deps.closing } : {}),
    ...(deps.admission ? { admission: deps.admission } : {}),
    store: deps.store,
    queues: deps.queues,
    events: deps.events,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const idempotency = new Idempotency(deps.redis, deps.store, deps.now ? { now: deps.now } : {});
  const closing = deps.closing ? { closing: deps.closing } : {};
  const authed: ApiRoute<AuthedState>[] = [
    ...jobsRoutes({
      jobs,
      store: deps.store,
      maxWaitSeconds: config.api.max_wait_seconds,
      idempotency,
      ...closing,
    }),
    ...eventsRoutes({
      jobs,
      store: deps.store,
      events: deps.events,
      redis: deps.redis,
      heartbeatMs: config.events.heartbeat_ms,
      ...closing,
    }),
    ...orchestrateRoutes({
      jobs,
      store: deps.store,
      timeoutSeconds: config.orchestrator.timeout_seconds,
      idempotency,
    }),
    ...evidenceRoutes({ jobs }),
    ...sessionsRoutes({ sessions: deps.sessions }),
    ...servicesRoutes({ catalog: new ServiceCatalog({ config }) }),
  ];

  const authFailures = new AuthFailureLimit({
    redis: deps.redis,
    perMinute: config.api.auth_failures_per_minute,
    onLimited: () => metrics.rateLimited("auth_failures"),
  });
  // Served without the API's bearer auth: health and metrics (which checks its own token).
  const open: ApiRoute<AppState>[] = [
    ...healthRoutes(deps.redis),
    ...metricsRoutes({
      registry: metrics.registry,
      tokens: config.tokens,
      scrapeToken: config.metrics.token,
      failures: authFailures,
    }),
  ];
  // Authenticated by the integration's secret header, with their own body parser.
  const intake = new AlertIntake({
    config,
    store: deps.store,
    ledger: new AlertLedger(deps.redis, {
      dedupeSeconds: config.alerts.dedupe_seconds,
      flapSeconds: config.alerts.flap_seconds,
      retentionSeconds: config.orchestrator.job_retention_seconds,
    }),
    queue: deps.alertQueue,
    replicas,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const alerts = alertsRoutes(intake, [
    webhookSecret(config.alerts.datadog.integrations, authFailures),
    jsonBody(config.api.body_limit_bytes),
  ]);
  const documented = [...open, ...alerts, ...authed] as ApiRoute<never>[];
  const openRouters = [routerOf(open), apiDocsRouter(openApiDocument(documented))];
  const intakeRouter = routerOf<IntakeState>(alerts);
  const authedRouter = routerOf(authed);

  app.use(requestContext(deps.log, metrics.observeRequest));
  app.use(errorHandler());
  for (const router of openRouters) app.use(router.routes());
  app.use(consoleAssets(deps.consoleDir ?? defaultConsoleDir()));
  app.use(methodNotAllowed([...openRouters, intakeRouter, authedRouter]));
  app.use(
    bullBoard({
      queues: [
        ...Object.values(deps.queues.queues),
        deps.alertQueue.queue,
        ...(deps.webhookQueue ? [deps.webhookQueue.queue] : []),
      ],
      tokens: config.tokens,
      readOnly: config.admin.read_only,
      failures: authFailures,
    }),
  );
  app.use(intakeRouter.routes());
  app.use(authenticate(config.tokens, authFailures));
  app.use(
    rateLimit({
      redis: deps.redis,
      perMinute: config.api.rate_limit_per_minute,
      onLimited: () => metrics.rateLimited("rate"),
    }),
  );
  app.use(jsonBody(config.api.body_limit_bytes));
  app.use(authedRouter.routes());
  app.use(missingJobId);
  app.on("error", (error: unknown) => deps.log.debug({ err: error }, "koa error event"));
  return app;
}
