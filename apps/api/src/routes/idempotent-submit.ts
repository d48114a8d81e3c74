import type { Context } from "koa";
import type { StoredJob } from "@orch/queue";
import type { AppState } from "../app-state.js";
import { requestFingerprint, type Idempotency } from "../jobs/idempotency.js";
import type { JobService } from "../jobs/job-service.js";
import { idempotencyHeadersSchema, type CreateJobBody } from "../jobs/job-request-schema.js";
import { validate } from "../validate.js";

export interface SubmitDeps {
  readonly jobs: JobService;
  readonly idempotency: Idempotency;
}

/**
 * Submits the request's job, once per Idempotency-Key when the header is present; a replay is
 * marked with `Idempotent-Replayed: true` and answered like the original.
 */
export async function submitIdempotently(
  ctx: Context & { state: AppState },
  deps: SubmitDeps,
  route: string,
  body: CreateJobBody,
): Promise<StoredJob> {
  const headers = validate(
    idempotencyHeadersSchema,
    { "idempotency-key": ctx.headers["idempotency-key"] },
    "header",
  );
  const key = headers["idempotency-key"];
  const principal = ctx.state.principal!;
  if (key === undefined) return deps.jobs.submit(principal, body);
  const { job, replayed } = await deps.idempotency.submitOnce(
    principal.owner,
    key,
    requestFingerprint(route, body),
    (id) => deps.jobs.submit(principal, body, id),
  );
  if (replayed) ctx.set("Idempotent-Replayed", "true");
  return job;
}
