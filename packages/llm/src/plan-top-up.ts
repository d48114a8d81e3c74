import { classifyMetric, INTENT_KINDS, mentionedKinds, type Plan, type PlanStep } from "@orch/core";
import { identity, withIds } from "./plan-output.js";

/** What a step reads: a metric's signal kind ("latency"), or the tool ("logs"). */
function kindOf(step: PlanStep): string {
  if (step.tool !== "metrics") return step.tool;
  return classifyMetric(step.query.metric)?.kind ?? `metric:${step.query.metric}`;
}

/** A model's plan after the top-up: its steps (ids renumbered), and the offline steps added. */
export interface ToppedUpPlan {
  readonly steps: readonly PlanStep[];
  readonly added: readonly PlanStep[];
}

/**
 * Tops a model's plan up from the offline plan: a valid but terse plan (monitors and events
 * only, say) would leave the analyst blind. Every offline step reading a kind of signal the
 * question names or its intent needs — or a tool (monitors, events, logs) — that the model's
 * steps leave out is added, in the offline plan's order of priority, until `maxSteps`.
 */
export function topUpPlan(
  model: readonly PlanStep[],
  offline: Plan,
  question: string,
  maxSteps: number,
): ToppedUpPlan {
  const needed = new Set<string>([...mentionedKinds(question), ...INTENT_KINDS[offline.intent]]);
  const covered = new Set(model.map(kindOf));
  const seen = new Set(model.map(identity));
  const added: PlanStep[] = [];
  for (const step of offline.steps) {
    if (model.length + added.length >= maxSteps) break;
    const kind = kindOf(step);
    const wanted = step.tool !== "metrics" || needed.has(kind);
    if (!wanted || covered.has(kind) || seen.has(identity(step))) continue;
    seen.add(identity(step));
    added.push(step);
  }
  if (added.length === 0) return { steps: model, added };
  const steps = withIds([...model, ...added]);
  return { steps, added: steps.slice(model.length) };
}

/** "latency trace.flask.request.duration.by.service.95p, logs": what a top-up added, for the trace. */
export function describeSteps(steps: readonly PlanStep[]): string {
  return steps.map((s) => (s.tool === "metrics" ? `${kindOf(s)} ${s.query.metric}` : s.tool)).join(", ");
}
