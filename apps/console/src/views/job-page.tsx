import { useMemo, useState } from "preact/hooks";
import type { ApiClient } from "../api/api-client";
import { ApiProblem } from "../api/api-problem";
import type { Evidence, JobView } from "../api/api-types";
import { chartSpecs } from "../charts/chart-model";
import { EvidenceChart } from "../charts/evidence-chart";
import { AnswerView } from "../components/answer-view";
import { FindingCard } from "../components/finding-card";
import { PhaseProgress } from "../components/phase-progress";
import { ProblemMessage } from "../components/problem-message";
import { StatusBadge } from "../components/status-badge";
import { TraceTimeline } from "../components/trace-timeline";
import { clock } from "../format/time-text";
import { isTerminal } from "../jobs/job-progress";
import { useJob } from "../jobs/use-job";
import { routeHref } from "../routing/hash-route";

function EvidenceSection({ evidence }: { readonly evidence: Evidence }) {
  const specs = useMemo(() => chartSpecs(evidence), [evidence]);
  return (
    <section class="evidence" aria-labelledby="evidence-title">
      <h2 id="evidence-title">Evidence</h2>
      {specs.length === 0 ? (
        <p class="muted">No series to chart: the answer rests on monitors, events or logs.</p>
      ) : null}
      <div class="charts">
        {specs.map((spec) => (
          <EvidenceChart key={spec.key} spec={spec} />
        ))}
      </div>
      {evidence.omitted_series > 0 ? (
        <p class="muted">
          {evidence.omitted_series} less relevant series read for the answer are not charted.
        </p>
      ) : null}
      {evidence.evidence_expired ? (
        <p class="muted">The data this job read is no longer kept; its answer and trace are.</p>
      ) : null}
    </section>
  );
}

function CancelButton({
  api,
  view,
  onCancelled,
}: {
  api: ApiClient;
  view: JobView;
  onCancelled: (v: JobView) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem>();
  const cancel = async () => {
    setBusy(true);
    try {
      onCancelled(await api.delete<JobView>(`/jobs/${encodeURIComponent(view.job_id)}`));
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : ApiProblem.network(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="danger" onClick={() => void cancel()} disabled={busy}>
        {busy ? "Cancelling…" : "Cancel job"}
      </button>
      {problem ? <ProblemMessage problem={problem} /> : null}
    </>
  );
}

/** A job: its question, live progress while it runs, then the answer, findings, charts and trace. */
export function JobPage({ api, id }: { readonly api: ApiClient; readonly id: string }) {
  const job = useJob(api, id);
  const { view, progress } = job;
  if (job.problem && !view) {
    return (
      <section aria-labelledby="job-title">
        <h1 id="job-title" tabIndex={-1}>
          Job {id}
        </h1>
        <ProblemMessage problem={job.problem} />
        <p>
          <a href={routeHref({ page: "history" })}>Your jobs</a>
        </p>
      </section>
    );
  }
  if (!view) return <p class="muted">Loading job {id}…</p>;
  const ended = isTerminal(view.status);
  const status = ended || !progress.lastEventId ? view.status : progress.status;
  const result = view.result ?? undefined;
  const charted = new Set(job.evidence?.series.map((s) => s.metric) ?? []);
  const unitOf = (metric: string) => {
    const s = job.evidence?.series.find((x) => x.metric === metric);
    return s ? { unit: s.unit, family: s.unit_family, scale: s.unit_scale } : undefined;
  };
  return (
    <article class="job" aria-labelledby="job-title" data-job={view.job_id} data-status={status}>
      <header class="job-head">
        <h1 id="job-title" tabIndex={-1}>
          {view.user_message}
        </h1>
        <p class="job-facts">
          <StatusBadge status={status} />
          <span>
            service <code>{view.service_id}</code>
          </span>
          <span>asked {clock(view.created_at, true)}</span>
          {view.session_id ? (
            <a href={routeHref({ page: "session", id: view.session_id })}>session {view.session_id}</a>
          ) : null}
        </p>
        <div class="job-actions">
          {!ended ? <CancelButton api={api} view={view} onCancelled={job.setView} /> : null}
          <a
            class="button"
            href={routeHref({
              page: "ask",
              service: view.service_id,
              ...(view.session_id ? { session: view.session_id } : {}),
            })}
          >
            Ask a follow-up
          </a>
        </div>
      </header>
      {job.problem ? <ProblemMessage problem={job.problem} /> : null}
      {!ended ? <PhaseProgress progress={progress} stream={job.stream} /> : null}
      {ended && progress.steps.length > 0 ? (
        <details class="progress-done">
          <summary>How it ran live ({progress.steps.length} steps as they arrived)</summary>
          <PhaseProgress progress={progress} stream={job.stream} />
        </details>
      ) : null}
      {view.error ? (
        <div class="problem" role="alert">
          <strong>{view.status === "cancelled" ? "Cancelled" : "Failed"}</strong>
          {view.error.phase ? ` during ${view.error.phase}` : ""}: {view.error.message}{" "}
          <code>{view.error.code}</code>
        </div>
      ) : null}
      {result ? <AnswerView result={result} /> : null}
      {/* The graphs right after the answer: an SRE looks at them before reading on. */}
      {job.evidence ? <EvidenceSection evidence={job.evidence} /> : null}
      {job.evidenceProblem ? <ProblemMessage problem={job.evidenceProblem} title="No evidence:" /> : null}
      {result && result.findings.length > 0 ? (
        <section class="findings" aria-labelledby="findings-title">
          <h2 id="findings-title">Findings</h2>
          <div class="finding-grid">
            {result.findings.map((f) => (
              <FindingCard
                key={f.id}
                finding={f}
                charted={charted.has(f.metric)}
                {...(unitOf(f.metric) ? { unit: unitOf(f.metric) } : {})}
              />
            ))}
          </div>
        </section>
      ) : null}
      {job.trace && job.trace.steps.length > 0 ? <TraceTimeline trace={job.trace} /> : null}
    </article>
  );
}
