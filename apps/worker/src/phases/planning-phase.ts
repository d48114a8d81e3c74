import { planQuestion, usageOfSteps } from "@orch/core";
import type { PhaseContext, PhaseWork } from "../phase-runner.js";
import type { PhaseDeps } from "./phase-deps.js";

/** Planning: window, metric discovery, and the reasoner's plan. */
export async function planningPhase(deps: PhaseDeps, ctx: PhaseContext): Promise<PhaseWork> {
  const { request } = ctx.job;
  const service = await deps.serviceFor(ctx.job, ctx.signal);
  const history = await deps.historyFor(ctx.job, ctx.signal);
  const resolved = [...service.steps, ...history.steps];
  resolved.forEach(ctx.onStep);
  const { source, scope } = service;
  const reasoner = deps.reasonerFor(ctx.job);
  const outcome = await planQuestion(
    { source, reasoner, now: deps.now, onStep: ctx.onStep },
    {
      question: request.user_message,
      scope,
      history: history.messages,
      defaultTimeframe: deps.defaultTimeframe,
      maxSteps: Math.min(deps.maxSteps, request.options?.max_steps ?? deps.maxSteps),
      deadlineMs: ctx.job.deadline_ms,
      ...(request.options?.timeframe ? { timeframe: request.options.timeframe } : {}),
      ...(request.options?.from && request.options.to
        ? { range: { from: Date.parse(request.options.from), to: Date.parse(request.options.to) } }
        : {}),
    },
    ctx.signal,
  );
  return {
    output: { plan: outcome.plan, available_metrics: outcome.available_metrics },
    steps: [...resolved, ...outcome.steps],
    usage: { ...usageOfSteps(outcome.steps), datadog_calls: outcome.upstream_calls },
    // The scope is kept on the record so execution and feedback use the one planning used.
    fields: { reasoner: reasoner.id, data_source: source.id, service_scope: JSON.stringify(scope) },
  };
}
