import Koa from "koa";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import type { Config } from "@orch/config";
import type { JobEvents, JobStore, PhaseQueues, SessionStore } from "@orch/queue";
import type { AppState } from "./app-state.js";
import { Idempotency } from "./jobs/idempotency.js";
import { JobService } from "./jobs/job-service.js";
import { authenticate } from "./middleware/authenticate.js";
import { errorHandler } from "./middleware/error-handler.js";
import { jsonBody } from "./middleware/json-body.js";
import { methodNotAllowed } from "./middleware/method-not-allowed.js";
import { requestContext } from "./middleware/request-context.js";
import { ApiMetrics } from "./ops/api-metrics.js";
import { apiDocsRouter } from "./ops/api-docs-router.js";
import { AuthFailureLimit } from "./ops/auth-failure-limit.js";
import { bullBoard } from "./ops/bull-board.js";
import { metricsRouter } from "./ops/metrics-router.js";
import { openApiDocument } from "./ops/openapi-document.js";
import { rateLimit } from "./ops/rate-limit.js";
import { eventsRouter } from "./routes/events-router.js";
import { healthRouter } from "./routes/health-router.js";
import { jobsRouter } from "./routes/jobs-router.js";
import { orchestrateRouter } from "./routes/orchestrate-router.js";
import { sessionsRouter } from "./routes/sessions-router.js";

export interface AppDeps {
  readonly config: Config;
  readonly log: Logger;
  /** A fail-fast connection for the HTTP path. */
  readonly redis: Redis;
  readonly store: JobStore;
  readonly queues: PhaseQueues;
  readonly events: JobEvents;
  readonly sessions: SessionStore;
  readonly now?: () => number;
  /** Fires when the server shuts down: event streams end and long-waits answer at once. */
  readonly closing?: AbortSignal;
  /** Where the API's metrics go (shared with the workers under `npm start`); its own when absent. */
  readonly metrics?: ApiMetrics;
}

/** Builds the Koa app: a short list of middleware, then the routers. It never listens. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const { config } = deps;
  // Behind a reverse proxy the client address (for the auth-failure limit) is in X-Forwarded-For.
  const app = new Koa<AppState>({ proxy: config.api.trust_proxy });
  const metrics = deps.metrics ?? new ApiMetrics(new Registry(), deps.queues);
  const jobs = new JobService({
    config,
    metrics,
    ...(deps.closing ? { closing: deps.closing } : {}),
    store: deps.store,
    queues: deps.queues,
    events: deps.events,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const health = healthRouter(deps.redis);
  const idempotency = new Idempotency(deps.redis, deps.store, deps.now ? { now: deps.now } : {});
  const closing = deps.closing ? { closing: deps.closing } : {};
  const routers = [
    jobsRouter({
      jobs,
      store: deps.store,
      maxWaitSeconds: config.api.max_wait_seconds,
      idempotency,
      ...closing,
    }),
    eventsRouter({
      jobs,
      store: deps.store,
      events: deps.events,
      redis: deps.redis,
      heartbeatMs: config.events.heartbeat_ms,
      ...closing,
    }),
    orchestrateRouter({
      jobs,
      store: deps.store,
      timeoutSeconds: config.orchestrator.timeout_seconds,
      idempotency,
    }),
    sessionsRouter({ sessions: deps.sessions }),
  ];

  const authFailures = new AuthFailureLimit({
    redis: deps.redis,
    perMinute: config.api.auth_failures_per_minute,
    onLimited: () => metrics.rateLimited("auth_failures"),
  });
  // Served without the API's bearer auth: health, docs and metrics (which checks its own token).
  const open = [
    health,
    apiDocsRouter(openApiDocument({ maxWaitSeconds: config.api.max_wait_seconds })),
    metricsRouter({
      registry: metrics.registry,
      tokens: config.tokens,
      scrapeToken: config.metrics.token,
      failures: authFailures,
    }),
  ];

  app.use(requestContext(deps.log, metrics.observeRequest));
  app.use(errorHandler());
  for (const router of open) app.use(router.routes());
  app.use(methodNotAllowed(open));
  app.use(
    bullBoard({
      queues: Object.values(deps.queues.queues),
      tokens: config.tokens,
      readOnly: config.admin.read_only,
      failures: authFailures,
    }),
  );
  app.use(authenticate(config.tokens, authFailures));
  app.use(
    rateLimit({
      redis: deps.redis,
      perMinute: config.api.rate_limit_per_minute,
      onLimited: () => metrics.rateLimited("rate"),
    }),
  );
  app.use(jsonBody(config.api.body_limit_bytes));
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  app.on("error", (error: unknown) => deps.log.debug({ err: error }, "koa error event"));
  return app;
}
