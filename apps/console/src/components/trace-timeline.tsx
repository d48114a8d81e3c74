import { PHASES, type JobTrace, type TraceStep } from "../api/api-types";
import { duration } from "../format/time-text";

function tokens(step: TraceStep): string | undefined {
  if (!step.tokens) return undefined;
  const cached = step.tokens.cached_prompt ? `, ${step.tokens.cached_prompt} cached` : "";
  return `${step.tokens.prompt} in${cached} · ${step.tokens.completion} out`;
}

const usd = (value: number) =>
  value === 0 ? "$0" : `$${value < 0.01 ? value.toFixed(5) : value.toFixed(3)}`;

/**
 * The reasoning trace as a timeline: every step of every phase as a bar placed at its start and
 * as long as it took, with its cache status, tokens and cost; the job's totals above.
 */
export function TraceTimeline({ trace }: { readonly trace: JobTrace }) {
  const starts = trace.steps.map((s) => Date.parse(s.started_at));
  const t0 = Math.min(...starts);
  const t1 = Math.max(...trace.steps.map((s, i) => (starts[i] ?? t0) + s.duration_ms), t0 + 1);
  const scale = (ms: number) => `${((ms / (t1 - t0)) * 100).toFixed(3)}%`;
  const u = trace.usage;
  return (
    <section class="trace" aria-labelledby="trace-title">
      <h2 id="trace-title">Trace</h2>
      <dl class="trace-totals">
        <div>
          <dt>total</dt>
          <dd>{duration(trace.execution_time_ms)}</dd>
        </div>
        {PHASES.map((p) =>
          trace.phase_durations_ms[p] !== undefined ? (
            <div key={p}>
              <dt>{p}</dt>
              <dd>{duration(trace.phase_durations_ms[p] ?? 0)}</dd>
            </div>
          ) : null,
        )}
        <div>
          <dt>model calls</dt>
          <dd>{u.llm_calls}</dd>
        </div>
        <div>
          <dt>tokens</dt>
          <dd>
            {u.prompt_tokens} in{u.cached_prompt_tokens ? ` (${u.cached_prompt_tokens} cached)` : ""} ·{" "}
            {u.completion_tokens} out
          </dd>
        </div>
        <div>
          <dt>cost</dt>
          <dd title={u.cost_note}>{u.cost_usd === null ? "unknown" : usd(u.cost_usd)}</dd>
        </div>
        <div>
          <dt>Datadog calls</dt>
          <dd>{u.datadog_calls}</dd>
        </div>
        <div>
          <dt>cache hits</dt>
          <dd>{u.cache_hits}</dd>
        </div>
      </dl>
      {trace.plan ? (
        <p class="trace-plan">
          Plan by {trace.plan.source}, intent {trace.plan.intent}, window {trace.plan.window.label}:{" "}
          {trace.plan.rationale}
        </p>
      ) : null}
      <ol class="timeline" aria-label="Steps in time order">
        {trace.steps.map((step, i) => {
          const start = (starts[i] ?? t0) - t0;
          const facts = [
            step.kind,
            duration(step.duration_ms),
            step.cache ? `cache ${step.cache}` : undefined,
            tokens(step),
            step.cost_usd !== undefined ? usd(step.cost_usd) : undefined,
            step.status !== "ok" ? step.status : undefined,
          ].filter(Boolean);
          return (
            <li key={step.index} class={`tl-row tl-${step.phase} tl-${step.status}`} data-cache={step.cache}>
              <div class="tl-label">
                <span class="tl-phase">{step.phase}</span> <code>{step.name}</code>
                <span class="tl-facts">{facts.join(" · ")}</span>
              </div>
              <div class="tl-track" aria-hidden="true">
                <span
                  class={`tl-bar ${step.cache === "hit" ? "tl-hit" : ""}`}
                  style={{ left: scale(start), width: `max(3px, ${scale(step.duration_ms)})` }}
                />
              </div>
              <p class="tl-summary">{step.error ? `${step.summary} (${step.error})` : step.summary}</p>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
