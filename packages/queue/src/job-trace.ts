import type { TraceStep } from "@orch/core";
import type { JobTrace, StoredJob, TraceSummary } from "./job-record.js";
import { alertView, usageView } from "./usage-view.js";

/** A trace's headline figures, from the record alone (the seed's `reasoning_trace`). */
export function traceSummary(job: StoredJob, now: number): TraceSummary {
  const start = Date.parse(job.started_at ?? job.created_at);
  const end = job.finished_at ? Date.parse(job.finished_at) : now;
  return {
    total_steps: job.step_count,
    execution_time_ms: Math.max(0, end - start),
    phases: job.saved,
    confidence_score: job.outputs.feedback?.confidence ?? null,
    reasoner: job.reasoner ?? null,
    data_source: job.data_source ?? null,
  };
}

/** The full reasoning trace of GET /jobs/:id/trace: the summary plus usage, the plan and every step. */
export function jobTrace(job: StoredJob, steps: readonly TraceStep[], now: number): JobTrace {
  const plan = job.outputs.planning?.plan;
  const available = job.outputs.planning?.available_metrics ?? [];
  const read = new Set(plan?.steps.flatMap((s) => (s.tool === "metrics" ? [s.query.metric] : [])) ?? []);
  return {
    job_id: job.id,
    status: job.status,
    ...traceSummary(job, now),
    total_steps: steps.length,
    phase_durations_ms: job.phase_ms,
    round_durations_ms: job.round_ms,
    usage: usageView(job.usage, job.reasoner),
    alert: alertView(job.request.alert, job.alert_recovered_at),
    plan: plan ?? null,
    available_metrics: available,
    unread_metrics: available.filter((m) => !read.has(m)),
    steps,
  };
}
