import { AppError, synthesizeAnswer, usageOfSteps } from "@orch/core";
import type { PhaseContext, PhaseWork } from "../phase-runner.js";
import type { PhaseDeps } from "./phase-deps.js";

/**
 * Feedback: analysis, then the reasoner's answer, recorded in the session before it is saved (so
 * the session has it when the job reads completed); the session end hook then makes the session
 * agree with the saved outcome (a cancelled job's exchange is taken out again).
 */
export async function feedbackPhase(deps: PhaseDeps, ctx: PhaseContext): Promise<PhaseWork> {
  const { planning, execution } = ctx.job.outputs;
  if (!planning || !execution)
    throw new AppError("internal", "feedback started before execution saved its evidence");
  const { request } = ctx.job;
  const service = await deps.serviceFor(ctx.job, ctx.signal);
  const history = await deps.historyFor(ctx.job, ctx.signal);
  const resolved = [...service.steps, ...history.steps];
  resolved.forEach(ctx.onStep);
  const outcome = await synthesizeAnswer(
    { reasoner: deps.reasonerFor(ctx.job), now: deps.now, onStep: ctx.onStep },
    {
      question: request.user_message,
      scope: service.scope,
      plan: planning.plan,
      evidence: execution,
      history: history.messages,
      deadlineMs: ctx.job.deadline_ms,
    },
    ctx.signal,
  );
  if (!ctx.signal.aborted) await deps.rememberAnswer(ctx.job, outcome.result.answer_markdown);
  return {
    output: outcome.result,
    steps: [...resolved, ...outcome.steps],
    usage: usageOfSteps(outcome.steps),
  };
}
