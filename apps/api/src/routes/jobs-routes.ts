import type { AuthedState } from "../app-state.js";
import type { ApiRoute } from "../contract/api-route.js";
import { jsonResponse, locationHeader } from "../contract/responses.js";
import type { Idempotency } from "../jobs/idempotency.js";
import { decodeJobCursor, encodeJobCursor } from "../jobs/job-cursor.js";
import type { JobService } from "../jobs/job-service.js";
import {
  createJobSchema,
  idempotencyHeadersSchema,
  jobIdParamsSchema,
  listJobsQuerySchema,
  waitQuerySchema,
} from "../jobs/job-request-schema.js";
import { toJobView } from "../jobs/job-view.js";
import { toJobSummary, type JobStore } from "@orch/queue";
import { InvalidRequest } from "@orch/core";
import { validate } from "../validate.js";
import { respondAccepted } from "./respond-accepted.js";
import { requestSignal } from "./request-signal.js";
import { IDEMPOTENCY_DOCS, submitIdempotently } from "./idempotent-submit.js";

export interface JobsRouterDeps {
  readonly jobs: JobService;
  readonly store: JobStore;
  readonly maxWaitSeconds: number;
  readonly idempotency: Idempotency;
  /** Fires when the server shuts down: long-waits answer at once with the job as it is. */
  readonly closing?: AbortSignal;
}

const JOB_ID_DOCS = { id: { description: "The job id returned by POST /jobs." } };

const jobExample = {
  service_id: "api-gateway",
  user_message: "Investigate recent 5xx errors",
  session_id: "incident-4211",
  options: { timeframe: "6h" },
};

const acceptedExample = {
  job_id: "0m3k2x9aQ7Zb3kP1uVw2xYz",
  status: "queued",
  status_url: "/jobs/0m3k2x9aQ7Zb3kP1uVw2xYz",
  events_url: "/jobs/0m3k2x9aQ7Zb3kP1uVw2xYz/events",
  trace_url: "/jobs/0m3k2x9aQ7Zb3kP1uVw2xYz/trace",
};

/** POST /jobs, GET /jobs, GET /jobs/:id (with ?wait), GET /jobs/:id/trace, DELETE /jobs/:id. */
export function jobsRoutes(deps: JobsRouterDeps): ApiRoute<AuthedState>[] {
  const waitSchema = waitQuerySchema(deps.maxWaitSeconds);
  return [
    {
      method: "post",
      path: "/jobs",
      operationId: "createJob",
      tags: ["jobs"],
      summary: "Submit a question as a job",
      description:
        "Records the job and queues its planning phase; answers at once with 202 and the URLs to follow it.",
      params: { header: idempotencyHeadersSchema },
      paramDocs: IDEMPOTENCY_DOCS,
      body: { component: "CreateJobRequest", schema: createJobSchema, example: jobExample },
      responses: {
        "202": jsonResponse("Accepted: the job is queued", "JobAccepted", acceptedExample, locationHeader),
        "400": "InvalidRequest",
        "409": "IdempotencyConflict",
        "413": "PayloadTooLarge",
        "415": "UnsupportedMediaType",
        "422": "IdempotencyMismatch",
        "503": "Unavailable",
      },
      handler: async (ctx) => {
        const body = validate(createJobSchema, ctx.request.body, "body");
        const job = await submitIdempotently(ctx, deps, "POST /jobs", body);
        respondAccepted(ctx, job);
      },
    },
    {
      method: "get",
      path: "/jobs",
      operationId: "listJobs",
      tags: ["jobs"],
      summary: "The caller's jobs, newest first",
      description:
        "Only the jobs this token's owner submitted (alert-started jobs belong to the integration's owner). " +
        "Pages are stable while jobs are added: follow `next_cursor` until it is null.",
      params: { query: listJobsQuerySchema },
      paramDocs: {
        limit: { description: "Jobs per page, 1-100 (default 20)." },
        cursor: { description: "The next_cursor of the previous page." },
        status: { description: "Only jobs in this status." },
        service_id: { description: "Only jobs about this service." },
        since: { description: "Only jobs created at or after this time (ISO 8601)." },
      },
      responses: {
        "200": jsonResponse("A page of jobs", "JobList"),
        "400": "InvalidRequest",
      },
      handler: async (ctx) => {
        const query = validate(listJobsQuerySchema, ctx.query, "query");
        const after = query.cursor !== undefined ? decodeJobCursor(query.cursor) : undefined;
        if (query.cursor !== undefined && after === undefined) {
          const message = "cursor is not one this API gave out; pass the next_cursor of a previous page";
          throw new InvalidRequest(message, { errors: [{ field: "cursor", message }] });
        }
        const page = await deps.store.listOwned(ctx.state.principal.owner, {
          limit: query.limit ?? 20,
          ...(after !== undefined ? { after } : {}),
          ...(query.status !== undefined ? { status: query.status } : {}),
          ...(query.service_id !== undefined ? { serviceId: query.service_id } : {}),
          ...(query.since !== undefined ? { since: Date.parse(query.since) } : {}),
        });
        ctx.body = {
          jobs: page.jobs.map(toJobSummary),
          next_cursor: page.after !== undefined ? encodeJobCursor(page.after) : null,
        };
      },
    },
    {
      method: "get",
      path: "/jobs/:id",
      operationId: "getJob",
      tags: ["jobs"],
      summary: "A job's status, and its result or error once it ended",
      params: { path: jobIdParamsSchema, query: waitSchema },
      paramDocs: {
        ...JOB_ID_DOCS,
        wait: {
          description: `Hold the request up to this many seconds (at most ${deps.maxWaitSeconds}) until the job ends; it answers as soon as it does.`,
        },
      },
      responses: {
        "200": jsonResponse("The job as it is (after the wait, if one was asked)", "JobView"),
        "400": "InvalidRequest",
        "404": "NotFound",
      },
      handler: async (ctx) => {
        const { id } = validate(jobIdParamsSchema, ctx.params, "path");
        const { wait } = validate(waitSchema, ctx.query, "query");
        const principal = ctx.state.principal;
        let job = await deps.jobs.get(principal, id);
        if (wait !== undefined) {
          job = await deps.jobs.waitForEnd(principal, job, wait, requestSignal(ctx, deps.closing));
        }
        ctx.body = toJobView(job);
      },
    },
    {
      method: "get",
      path: "/jobs/:id/trace",
      operationId: "getJobTrace",
      tags: ["jobs"],
      summary: "The full reasoning trace: plan, every step, usage and cost",
      params: { path: jobIdParamsSchema },
      paramDocs: JOB_ID_DOCS,
      responses: {
        "200": jsonResponse("The trace so far", "JobTrace"),
        "400": "InvalidRequest",
        "404": "NotFound",
      },
      handler: async (ctx) => {
        const { id } = validate(jobIdParamsSchema, ctx.params, "path");
        const job = await deps.jobs.get(ctx.state.principal, id);
        ctx.body = await deps.store.trace(job);
      },
    },
    {
      method: "delete",
      path: "/jobs/:id",
      operationId: "cancelJob",
      tags: ["jobs"],
      summary: "Cancel a job that has not ended",
      description: "The job ends as `cancelled`; a running phase stops and cannot save its output.",
      params: { path: jobIdParamsSchema },
      paramDocs: JOB_ID_DOCS,
      responses: {
        "200": jsonResponse("The cancelled job", "JobView"),
        "400": "InvalidRequest",
        "404": "NotFound",
        "409": "Conflict",
      },
      handler: async (ctx) => {
        const { id } = validate(jobIdParamsSchema, ctx.params, "path");
        ctx.body = toJobView(await deps.jobs.cancel(ctx.state.principal, id));
      },
    },
  ];
}
