import { InvalidRequest } from "@orch/core";
import type { StoredJob } from "@orch/queue";
import type { AuthedContext } from "../app-state.js";
import type { ParamDoc } from "../contract/api-route.js";
import { requestFingerprint, type Idempotency } from "../jobs/idempotency.js";
import type { JobService } from "../jobs/job-service.js";
import { idempotencyHeadersSchema, type CreateJobBody } from "../jobs/job-request-schema.js";
import { validate } from "../validate.js";

/** The Idempotency-Key header as the OpenAPI document describes it. */
export const IDEMPOTENCY_DOCS: Readonly<Record<string, ParamDoc>> = {
  "idempotency-key": {
    name: "Idempotency-Key",
    description:
      "Retrying with the same key (same token, same body) within 24 h returns the same job instead of a new one.",
  },
};

export interface SubmitDeps {
  readonly jobs: JobService;
  readonly idempotency: Idempotency;
}

/**
 * Submits the request's job, once per Idempotency-Key when the header is present; a replay is
 * marked with `Idempotent-Replayed: true` and answered like the original.
 */
export async function submitIdempotently(
  ctx: AuthedContext,
  deps: SubmitDeps,
  route: string,
  body: CreateJobBody,
): Promise<StoredJob> {
  const principal = ctx.state.principal;
  // Most submissions carry no key: Node's distinct view of the headers is built only for those that do.
  if (ctx.headers["idempotency-key"] === undefined) return deps.jobs.submit(principal, body);
  // Repeated headers arrive as two lines or joined with ", " (by Node or by the client); a key
  // itself has no spaces, so either way the client sent more than one.
  const sent = ctx.req.headersDistinct["idempotency-key"] ?? [];
  if (sent.length > 1 || sent.some((value) => /,\s/.test(value))) {
    const message = "Only one Idempotency-Key header may be sent; send the key once.";
    throw new InvalidRequest(message, { errors: [{ field: "idempotency-key", message }] });
  }
  const headers = validate(
    idempotencyHeadersSchema,
    { "idempotency-key": ctx.headers["idempotency-key"] },
    "header",
  );
  const key = headers["idempotency-key"];
  if (key === undefined) return deps.jobs.submit(principal, body);
  const { job, replayed } = await deps.idempotency.submitOnce(
    principal.owner,
    key,
    { route, fingerprint: requestFingerprint(route, body) },
    (id) => deps.jobs.submit(principal, body, id),
  );
  if (replayed) ctx.set("Idempotent-Replayed", "true");
  return job;
}
