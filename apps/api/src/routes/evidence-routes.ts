import { PHASES } from "@orch/core";
import type { AuthedState } from "../app-state.js";
import type { ApiRoute } from "../contract/api-route.js";
import { jsonResponse } from "../contract/responses.js";
import { EVIDENCE_LIMITS, evidenceView } from "../evidence/evidence-view.js";
import type { JobService } from "../jobs/job-service.js";
import { jobIdParamsSchema } from "../jobs/job-request-schema.js";
import { validate } from "../validate.js";

/** GET /jobs/:id/evidence: the series behind the answer, downsampled, with what to draw on them. */
export function evidenceRoutes(deps: { readonly jobs: JobService }): ApiRoute<AuthedState>[] {
  return [
    {
      method: "get",
      path: "/jobs/:id/evidence",
      operationId: "getJobEvidence",
      tags: ["jobs"],
      summary: "The series the answer rests on, ready to chart",
      description:
        "The series the findings rest on first, then the question's key series, each metric with the limit " +
        "the service reports beside it; the findings' windows and thresholds; deploy and other events. " +
        `At most ${EVIDENCE_LIMITS.metrics} metrics, ${EVIDENCE_LIMITS.seriesPerMetric} series (groups) per metric ` +
        `and ${EVIDENCE_LIMITS.pointsPerSeries} points per series (downsampled with LTTB, gaps kept). ` +
        "Empty until the execution phase saved its data. Only the job's owner may read it.",
      params: { path: jobIdParamsSchema },
      paramDocs: { id: { description: "The job id returned by POST /jobs." } },
      responses: {
        "200": jsonResponse("The evidence", "JobEvidence"),
        "400": "InvalidRequest",
        "404": "NotFound",
      },
      handler: async (ctx) => {
        const { id } = validate(jobIdParamsSchema, ctx.params, "path");
        const job = await deps.jobs.get(ctx.state.principal, id, PHASES);
        ctx.body = evidenceView(job);
      },
    },
  ];
}
