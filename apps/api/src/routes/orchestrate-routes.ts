import { AppError, type ErrorCode } from "@orch/core";
import type { JobStore, StoredJob } from "@orch/queue";
import type { AuthedState } from "../app-state.js";
import type { ApiRoute } from "../contract/api-route.js";
import { jsonResponse, locationHeader } from "../contract/responses.js";
import type { Idempotency } from "../jobs/idempotency.js";
import type { JobService } from "../jobs/job-service.js";
import { idempotencyHeadersSchema, orchestrateSchema } from "../jobs/job-request-schema.js";
import { jobLinks } from "../jobs/job-view.js";
import { STATUS_OF } from "../middleware/problem.js";
import { validate } from "../validate.js";
import { respondAccepted } from "./respond-accepted.js";
import { clientGone } from "./client-gone.js";
import { IDEMPOTENCY_DOCS, submitIdempotently } from "./idempotent-submit.js";

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
export function orchestrateRoutes(deps: OrchestrateRouterDeps): ApiRoute<AuthedState>[] {
  const route: ApiRoute<AuthedState> = {
    method: "post",
    path: "/orchestrate",
    operationId: "orchestrate",
    tags: ["jobs"],
    summary: "Ask and wait for the answer (synchronous)",
    description:
      "Submits a job and waits up to orchestrator.timeout_seconds. Past that it answers 202 with the job id, so slow work is never lost.",
    params: { header: idempotencyHeadersSchema },
    paramDocs: IDEMPOTENCY_DOCS,
    body: {
      component: "OrchestrateRequest",
      schema: orchestrateSchema,
      example: {
        service_id: "api-gateway",
        session_id: "incident-4211",
        user_message: "Investigate recent 5xx errors",
      },
    },
    responses: {
      "200": jsonResponse("The answer and a summary of the reasoning trace", "OrchestrateResponse"),
      "202": jsonResponse("Still running: follow status_url", "JobAccepted", undefined, locationHeader),
      "400": "InvalidRequest",
      "409": "OrchestrateConflict",
      "413": "PayloadTooLarge",
      "415": "UnsupportedMediaType",
      "422": "IdempotencyMismatch",
      "500": "JobFailed",
      "502": "JobFailed",
      "503": "Unavailable",
      "504": "JobFailed",
    },
    handler: async (ctx) => {
      const body = validate(orchestrateSchema, ctx.request.body, "body");
      const principal = ctx.state.principal;
      const submitted = await submitIdempotently(ctx, deps, "POST /orchestrate", body);
      // The answer and the trace summary need only the feedback's output, not the plan.
      const job = await deps.jobs.waitForEnd(principal, submitted, deps.timeoutSeconds, clientGone(ctx), [
        "feedback",
      ]);
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
    },
  };
  return [route];
}
