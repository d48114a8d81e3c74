import { classifyMetric } from "../metric-catalog.js";
import type { Plan, PlanStep } from "../plan.js";
import { levelOf } from "../analysis/causal-links.js";

/** Windows this long or longer hold their own history: the weekly cycle is modelled within them. */
const OWN_HISTORY_MS = 14 * 86_400_000;
/** Windows this long read only a week back (a day back would mostly overlap the window). */
const WEEK_ONLY_MS = 2 * 86_400_000;
/** Metrics read with their history at most: each costs one or two more reads. */
const MAX_WITH_HISTORY = 3;

/** Signals whose normal level follows the calendar (traffic and what it drives), read against history first. */
const RHYTHMIC = ["requests", "latency", "errors", "cpu", "saturation"] as const;

/**
 * Adds history to a plan's most telling metric reads: the same window a day and a week earlier
 * (a week only for windows of two days or more; none from 14 days, whose own days hold the
 * weekly cycle). The service's own traffic, latency and errors come first, then what they drive.
 * Any reasoner's plan gets the same history, so the judgement does not depend on who planned.
 */
export function withHistory(plan: Plan): Plan {
  const ms = plan.window.end - plan.window.start;
  if (ms >= OWN_HISTORY_MS) return plan;
  const shifts: ("day" | "week")[] = ms >= WEEK_ONLY_MS ? ["week"] : ["day", "week"];
  const rank = (step: PlanStep): number => {
    if (step.tool !== "metrics" || step.query.shift) return Number.POSITIVE_INFINITY;
    const kind = classifyMetric(step.query.metric)?.kind;
    const i = RHYTHMIC.indexOf(kind as (typeof RHYTHMIC)[number]);
    if (i < 0) return Number.POSITIVE_INFINITY;
    // The service's own work before its dependencies and hosts.
    return i + (levelOf(step.query.metric) === "service" ? 0 : 10);
  };
  const chosen = new Set(
    plan.steps
      .map((s, index) => ({ index, r: rank(s) }))
      .filter((x) => Number.isFinite(x.r))
      .sort((a, b) => a.r - b.r || a.index - b.index)
      .slice(0, MAX_WITH_HISTORY)
      .map((x) => x.index),
  );
  if (chosen.size === 0) return plan;
  return {
    ...plan,
    steps: plan.steps.map((s, i) => (s.tool === "metrics" && chosen.has(i) ? { ...s, history: shifts } : s)),
  };
}
