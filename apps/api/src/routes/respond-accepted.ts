import type { Context } from "koa";
import type { StoredJob } from "@orch/queue";
import { jobLinks } from "../jobs/job-view.js";

/** 202 with a Location header and the URLs to follow a job that is still running. */
export function respondAccepted(ctx: Context, job: StoredJob, extra: Record<string, unknown> = {}): void {
  const links = jobLinks(job.id);
  ctx.status = 202;
  ctx.set("Location", links.self);
  ctx.body = {
    job_id: job.id,
    status: job.status,
    status_url: links.self,
    events_url: links.events,
    trace_url: links.trace,
    ...extra,
  };
}
