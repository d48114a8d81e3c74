import Router from "@koa/router";
import type { AppState } from "../app-state.js";
import type { Idempotency } from "../jobs/idempotency.js";
import type { JobService } from "../jobs/job-service.js";
import { createJobSchema, jobIdParamsSchema, waitQuerySchema } from "../jobs/job-request-schema.js";
import { toJobView } from "../jobs/job-view.js";
import type { JobStore } from "@orch/queue";
import { validate } from "../validate.js";
import { respondAccepted } from "./respond-accepted.js";
import { requestSignal } from "./request-signal.js";
import { submitIdempotently } from "./idempotent-submit.js";

export interface JobsRouterDeps {
  readonly jobs: JobService;
  readonly store: JobStore;
  readonly maxWaitSeconds: number;
  readonly idempotency: Idempotency;
  /** Fires when the server shuts down: long-waits answer at once with the job as it is. */
  readonly closing?: AbortSignal;
}

/** POST /jobs, GET /jobs/:id (with ?wait), GET /jobs/:id/trace, DELETE /jobs/:id. */
export function jobsRouter(deps: JobsRouterDeps): Router<AppState> {
  const router = new Router<AppState>();
  const waitSchema = waitQuerySchema(deps.maxWaitSeconds);

  router.post("/jobs", async (ctx) => {
    const body = validate(createJobSchema, ctx.request.body, "body");
    const job = await submitIdempotently(ctx, deps, "POST /jobs", body);
    respondAccepted(ctx, job);
  });

  router.get("/jobs/:id", async (ctx) => {
    const { id } = validate(jobIdParamsSchema, ctx.params, "path");
    const { wait } = validate(waitSchema, ctx.query, "query");
    let job = await deps.jobs.get(ctx.state.principal!, id);
    if (wait !== undefined) {
      job = await deps.jobs.waitForEnd(ctx.state.principal!, job, wait, requestSignal(ctx, deps.closing));
    }
    ctx.body = toJobView(job);
  });

  router.get("/jobs/:id/trace", async (ctx) => {
    const { id } = validate(jobIdParamsSchema, ctx.params, "path");
    const job = await deps.jobs.get(ctx.state.principal!, id);
    ctx.body = await deps.store.trace(job);
  });

  router.delete("/jobs/:id", async (ctx) => {
    const { id } = validate(jobIdParamsSchema, ctx.params, "path");
    ctx.body = toJobView(await deps.jobs.cancel(ctx.state.principal!, id));
  });

  return router;
}
