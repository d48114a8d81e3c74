import { AppError, executePlan, usageOfSteps } from "@orch/core";
import type { PhaseContext, PhaseWork } from "../phase-runner.js";
import type { PhaseDeps } from "./phase-deps.js";

/** Execution: the plan's reads, in parallel, through the cache. */
export async function executionPhase(deps: PhaseDeps, ctx: PhaseContext): Promise<PhaseWork> {
  const planned = ctx.job.outputs.planning;
  if (!planned) throw new AppError("internal", "execution started before planning saved a plan");
  const service = await deps.serviceFor(ctx.job, ctx.signal, planned.demo_anchor);
  service.steps.forEach(ctx.onStep);
  const outcome = await executePlan(
    { source: service.source, now: deps.now, concurrency: deps.toolConcurrency, onStep: ctx.onStep },
    planned.plan,
    service.scope,
    ctx.signal,
  );
  return {
    output: outcome.evidence,
    steps: [...service.steps, ...outcome.steps],
    usage: { ...usageOfSteps(outcome.steps), datadog_calls: outcome.upstream_calls },
  };
}
