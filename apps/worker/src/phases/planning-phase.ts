import { planQuestion, planWithMonitor, usageOfSteps } from "@orch/core";
import type { PhaseContext, PhaseWork } from "../phase-runner.js";
import { focusOnMonitor } from "./monitor-focus.js";
import type { PhaseDeps } from "./phase-deps.js";

/** Planning: the monitor asked about (if any), window, metric discovery, and the reasoner's plan. */
export async function planningPhase(deps: PhaseDeps, ctx: PhaseContext): Promise<PhaseWork> {
  const { request } = ctx.job;
  // The conversation's demo anchor decides which demo data the job reads (read with the history).
  const [history, conversation] = await Promise.all([
    deps.historyFor(ctx.job, ctx.signal),
    deps.demoAnchorFor(ctx.job),
  ]);
  const service = await deps.serviceFor(ctx.job, ctx.signal, conversation?.anchor);
  const demoAnchor = service.source.id === "demo" ? conversation?.anchor : undefined;
  if (demoAnchor !== undefined) await conversation?.keep?.();
  const resolved = [...service.steps, ...history.steps];
  resolved.forEach(ctx.onStep);
  const { source, scope } = service;
  const focus = await focusOnMonitor(
    {
      job: ctx.job,
      scope,
      source,
      now: deps.now(),
      defaultTimeframe: deps.defaultTimeframe,
      alertLookbackMs: deps.alertLookbackMs,
    },
    ctx.signal,
  );
  focus.steps.forEach(ctx.onStep);
  const reasoner = deps.reasonerFor(ctx.job);
  const maxSteps = Math.min(deps.maxSteps, request.options?.max_steps ?? deps.maxSteps);
  const outcome = await planQuestion(
    { source, reasoner, now: deps.now, onStep: ctx.onStep },
    {
      question: request.user_message,
      scope,
      history: history.messages,
      defaultTimeframe: deps.defaultTimeframe,
      maxSteps,
      deadlineMs: ctx.job.deadline_ms,
      ...(request.options?.timeframe ? { timeframe: request.options.timeframe } : {}),
      ...(request.options?.from && request.options.to
        ? { range: { from: Date.parse(request.options.from), to: Date.parse(request.options.to) } }
        : {}),
      ...(focus.window ? { window: focus.window } : {}),
    },
    ctx.signal,
  );
  const plan = focus.monitor ? planWithMonitor(outcome.plan, focus.monitor, maxSteps) : outcome.plan;
  return {
    output: {
      plan,
      available_metrics: outcome.available_metrics,
      // Execution reads the demo at the same anchor.
      ...(demoAnchor !== undefined ? { demo_anchor: demoAnchor } : {}),
    },
    steps: [...resolved, ...focus.steps, ...outcome.steps],
    usage: {
      ...usageOfSteps(outcome.steps),
      datadog_calls: outcome.upstream_calls + focus.upstream_calls,
    },
    // The scope is kept on the record so execution and feedback use the one planning used.
    fields: { reasoner: reasoner.id, data_source: source.id, service_scope: JSON.stringify(scope) },
  };
}
