import { AppError, synthesizeAnswer, usageOfSteps } from "@orch/core";
import type { PhaseContext, PhaseWork } from "../phase-runner.js";
import type { PhaseDeps } from "./phase-deps.js";

/**
 * Feedback: analysis, then the reasoner's answer. The session records the answer only once it is
 * saved (an end hook), so a cancelled or re-run phase never leaves an answer the job does not have.
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
  return {
    output: outcome.result,
    steps: [...resolved, ...outcome.steps],
    usage: usageOfSteps(outcome.steps),
  };
}
