import { AppError, executePlan, usageOfSteps } from "@orch/core";
import type { PhaseContext, PhaseWork } from "../phase-runner.js";
import type { PhaseDeps } from "./phase-deps.js";

/** The answer's share of the time left: reads stop in time for it (a minute at most). */
const ANSWER_SHARE = 0.25;
const MAX_ANSWER_RESERVE_MS = 60_000;

/** Execution: the plan's reads, in parallel, through the cache. */
export async function executionPhase(deps: PhaseDeps, ctx: PhaseContext): Promise<PhaseWork> {
  const planned = ctx.job.outputs.planning;
  if (!planned) throw new AppError("internal", "execution started before planning saved a plan");
  // A drill-down round reads what the feedback before it asked for, in the first round's window.
  const drill = ctx.round > 1 ? ctx.job.outputs.drill_plan : undefined;
  if (ctx.round > 1 && drill?.round !== ctx.round)
    throw new AppError(
      "internal",
      `execution of round ${ctx.round} started before its drill-down plan was saved`,
    );
  const plan = drill
    ? { ...planned.plan, window: drill.window ?? planned.plan.window, steps: drill.steps }
    : planned.plan;
  const service = await deps.serviceFor(ctx.job, ctx.signal, planned.demo_anchor);
  service.steps.forEach(ctx.onStep);
  const left = ctx.job.deadline_ms - deps.now();
  const readBy = ctx.job.deadline_ms - Math.min(MAX_ANSWER_RESERVE_MS, Math.max(0, left) * ANSWER_SHARE);
  const outcome = await executePlan(
    {
      source: service.source,
      now: deps.now,
      concurrency: deps.toolConcurrency,
      onStep: ctx.onStep,
      readBy,
    },
    plan,
    service.scope,
    ctx.signal,
  );
  return {
    output: outcome.evidence,
    steps: [...service.steps, ...outcome.steps],
    usage: { ...usageOfSteps(outcome.steps), datadog_calls: outcome.upstream_calls },
  };
}
