import Router from "@koa/router";
import { AppError, type ErrorCode } from "@orch/core";
import type { JobStore, StoredJob } from "@orch/queue";
import type { AppState } from "../app-state.js";
import type { Idempotency } from "../jobs/idempotency.js";
import type { JobService } from "../jobs/job-service.js";
import { orchestrateSchema } from "../jobs/job-request-schema.js";
import { jobLinks } from "../jobs/job-view.js";
import { STATUS_OF } from "../middleware/problem.js";
import { validate } from "../validate.js";
import { respondAccepted } from "./respond-accepted.js";
import { clientGone } from "./client-gone.js";
import { submitIdempotently } from "./idempotent-submit.js";

export interface OrchestrateRouterDeps {
  readonly jobs: JobService;
  readonly store: JobStore;
  readonly timeoutSeconds: number;
  readonly idempotency: Idempotency;
}

/** The code a failed or cancelled job answers with: its own error's code, `internal` when it has none we know. */
function endedCode(job: StoredJob): ErrorCode {
  if (job.status === "cancelled") return "cancelled";
  const code = job.error?.code;
  return code !== undefined && Object.hasOwn(STATUS_OF, code) ? (code as ErrorCode) : "internal";
}

/**
 * POST /orchestrate: the seed's synchronous call. It is a job like any other; past the wait it
 * answers 202 with the job id, so slow work is never lost and can be picked up later.
 */
export function orchestrateRouter(deps: OrchestrateRouterDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.post("/orchestrate", async (ctx) => {
    const body = validate(orchestrateSchema, ctx.request.body, "body");
    const principal = ctx.state.principal!;
    const submitted = await submitIdempotently(ctx, deps, "POST /orchestrate", body);
    const job = await deps.jobs.waitForEnd(principal, submitted, deps.timeoutSeconds, clientGone(ctx));
    const links = jobLinks(job.id);

    if (job.status === "completed" && job.outputs.feedback) {
      const trace = deps.store.traceSummary(job);
      ctx.body = {
        answer: job.outputs.feedback.answer_markdown,
        session_id: job.request.session_id ?? null,
        job_id: job.id,
        timestamp: job.finished_at ?? new Date().toISOString(),
        reasoning_trace: {
          total_steps: trace.total_steps,
          execution_time_ms: trace.execution_time_ms,
          phases: trace.phases,
          confidence_score: trace.confidence_score,
        },
        reasoner: trace.reasoner,
        data_source: trace.data_source,
      };
      return;
    }
    if (job.status === "failed" || job.status === "cancelled") {
      throw new AppError(endedCode(job), `The job ${job.status}: ${job.error?.message ?? "no detail"}`, {
        job_id: job.id,
        status_url: links.self,
      });
    }
    respondAccepted(ctx, job, {
      detail: `Still running after ${deps.timeoutSeconds} s; poll ${links.self}?wait=30 for the answer.`,
    });
  });
  return router;
}
