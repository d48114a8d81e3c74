import { PHASES, type Phase } from "../api/api-types";
import type { StreamState } from "../api/job-event-stream";
import { duration } from "../format/time-text";
import type { JobProgress, LiveStep, PhaseState } from "../jobs/job-progress";

const PHASE_NAME: Readonly<Record<Phase, string>> = {
  planning: "Planning: what data answers the question",
  execution: "Execution: reading the data",
  feedback: "Feedback: analysis and the answer",
};

const STATE_TEXT: Readonly<Record<PhaseState, string>> = {
  pending: "waiting",
  running: "running",
  done: "done",
  failed: "failed",
  cancelled: "cancelled",
};

function StepLine({ step }: { readonly step: LiveStep }) {
  return (
    <li class={`step step-${step.status}`}>
      <span class="step-name">
        <code>{step.name}</code> <span class="step-kind">{step.kind}</span>
      </span>
      <span class="step-facts">
        {step.cache ? <span class={`chip cache-${step.cache}`}>cache {step.cache}</span> : null}
        <span>{duration(step.duration_ms)}</span>
        {step.status !== "ok" ? <span class="chip chip-error">{step.status}</span> : null}
      </span>
      <span class="step-summary">{step.error ? `${step.summary} (${step.error})` : step.summary}</span>
    </li>
  );
}

/** The phases of a job as its event stream reports them, each with the steps it has taken. */
export function PhaseProgress({
  progress,
  stream,
}: {
  readonly progress: JobProgress;
  readonly stream: StreamState;
}) {
  const running = PHASES.find((p) => progress.phases[p].state === "running");
  return (
    <section class="progress" aria-labelledby="progress-title">
      <h2 id="progress-title">Progress</h2>
      <p class="visually-hidden" aria-live="polite">
        {running ? `${running} running` : progress.status}
      </p>
      <p class="stream-state" data-stream={stream}>
        {stream === "open"
          ? "Live"
          : stream === "reconnecting"
            ? "Reconnecting…"
            : stream === "connecting"
              ? "Connecting…"
              : "Stream closed"}
      </p>
      <ol class="phases">
        {PHASES.map((phase) => {
          const p = progress.phases[phase];
          const steps = progress.steps.filter((s) => s.phase === phase);
          return (
            <li key={phase} class={`phase phase-${p.state}`} data-phase={phase} data-state={p.state}>
              <div class="phase-head">
                <span class="phase-dot" aria-hidden="true" />
                <span class="phase-name">{PHASE_NAME[phase]}</span>
                <span class="phase-state">
                  {STATE_TEXT[p.state]}
                  {p.run > 1 ? ` (run ${p.run})` : ""}
                </span>
              </div>
              {steps.length > 0 ? (
                <ul class="steps" aria-label={`${phase} steps`}>
                  {steps.map((s) => (
                    <StepLine key={s.event_id} step={s} />
                  ))}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ol>
      {progress.retries.length > 0 ? (
        <ul class="retries">
          {progress.retries.map((r, i) => (
            <li key={i}>
              {r.phase} will retry (attempt {r.attempt}): {r.error}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
