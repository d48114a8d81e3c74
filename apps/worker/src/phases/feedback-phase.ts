import { AppError, reviewEvidence, usageOfSteps } from "@orch/core";
import type { PhaseContext, PhaseWork } from "../phase-runner.js";
import type { PhaseDeps } from "./phase-deps.js";

/** Another round is started only with this much time left before the job's deadline. */
const MIN_ROUND_MS = 10_000;

/**
 * Feedback: analysis, then the reasoner's answer, recorded in the session before it is saved (so
 * the session has it when the job reads completed); the session end hook then makes the session
 * agree with the saved outcome (a cancelled job's exchange is taken out again). When a breakdown
 * would place its findings and the job has a round left, it saves a drill-down plan instead, and
 * the runner chains that round's execution.
 */
export async function feedbackPhase(deps: PhaseDeps, ctx: PhaseContext): Promise<PhaseWork> {
  const { planning, execution } = ctx.job.outputs;
  if (!planning || !execution)
    throw new AppError("internal", "feedback started before execution saved its evidence");
  const { request } = ctx.job;
  const service = await deps.serviceFor(ctx.job, ctx.signal, planning.demo_anchor);
  const history = await deps.historyFor(ctx.job, ctx.signal);
  const resolved = [...service.steps, ...history.steps];
  resolved.forEach(ctx.onStep);
  const maxSteps = Math.min(deps.maxSteps, request.options?.max_steps ?? deps.maxSteps);
  const outcome = await reviewEvidence(
    {
      reasoner: deps.reasonerFor(ctx.job),
      now: deps.now,
      onStep: ctx.onStep,
      // max_rounds 0 turns drill-downs off: not even the tags are read.
      ...(deps.maxRounds > 0 ? { source: service.source } : {}),
    },
    {
      question: request.user_message,
      scope: service.scope,
      plan: planning.plan,
      evidence: execution,
      history: history.messages,
      deadlineMs: ctx.job.deadline_ms,
      rounds: ctx.job.outputs.rounds ?? [],
      drill: { maxRounds: deps.maxRounds, maxReads: maxSteps, minRemainingMs: MIN_ROUND_MS },
    },
    ctx.signal,
  );
  const usage = { ...usageOfSteps(outcome.steps), datadog_calls: outcome.upstream_calls ?? 0 };
  if ("drill" in outcome)
    return {
      output: outcome.drill,
      steps: [...resolved, ...outcome.steps],
      usage,
      drill: { round: outcome.drill.round },
    };
  if (!ctx.signal.aborted) await deps.rememberAnswer(ctx.job, outcome.result.answer_markdown);
  return { output: outcome.result, steps: [...resolved, ...outcome.steps], usage };
}
