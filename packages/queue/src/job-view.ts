import type { JobError, JobResult, JobStatus, Phase } from "@orch/core";
import type { StoredJob } from "./job-record.js";
import { alertView, usageView, type AlertView, type UsageView } from "./usage-view.js";

/**
 * A job as clients see it: the body of GET /jobs/:id, of the final event of GET /jobs/:id/events
 * and of webhook deliveries. It lives here so the API and the worker render the same shape.
 */
export interface JobView {
  readonly job_id: string;
  readonly status: JobStatus;
  readonly phase: Phase | null;
  /** The round the job is in: 1, or 2, 3… once drill-down reads were asked for. */
  readonly round: number;
  readonly service_id: string;
  readonly user_message: string;
  readonly session_id: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly deadline_at: string;
  readonly progress: { readonly phases_completed: readonly Phase[]; readonly steps: number };
  readonly reasoner: string | null;
  readonly data_source: string | null;
  readonly usage: UsageView;
  readonly monitor_id: number | null;
  readonly alert: AlertView | null;
  readonly result: JobResult | null;
  readonly error: JobError | null;
  readonly links: { readonly self: string; readonly trace: string; readonly events: string };
}

/** The URLs (relative to the API) that follow a job. */
export function jobLinks(id: string) {
  return { self: `/jobs/${id}`, trace: `/jobs/${id}/trace`, events: `/jobs/${id}/events` };
}

export function toJobView(job: StoredJob): JobView {
  return {
    job_id: job.id,
    status: job.status,
    phase: job.phase ?? null,
    round: job.round,
    service_id: job.request.service_id,
    user_message: job.request.user_message,
    session_id: job.request.session_id ?? null,
    created_at: job.created_at,
    updated_at: job.updated_at,
    started_at: job.started_at ?? null,
    finished_at: job.finished_at ?? null,
    deadline_at: new Date(job.deadline_ms).toISOString(),
    progress: { phases_completed: job.saved, steps: job.step_count },
    reasoner: job.reasoner ?? null,
    data_source: job.data_source ?? null,
    usage: usageView(job.usage, job.reasoner),
    monitor_id: job.request.monitor_id ?? job.request.alert?.monitor_id ?? null,
    alert: alertView(job.request.alert, job.alert_recovered_at),
    result: job.outputs.feedback ?? null,
    error: job.error ?? null,
    links: jobLinks(job.id),
  };
}

/** A job in a list (GET /jobs): the view without its result (GET /jobs/{id} has it). */
export type JobSummary = Omit<JobView, "result">;

export function toJobSummary(job: StoredJob): JobSummary {
  const { result: _result, ...summary } = toJobView(job);
  return summary;
}
