import type { AnalysisResult } from "../analysis-result.js";
import type { Localisation } from "../analysis/localise.js";
import { AppError, describeError } from "../errors.js";
import type { StepDraft } from "../job.js";
import type { Plan, PlanStep } from "../plan.js";
import type { MetricsSource } from "../ports.js";
import type { ServiceScope } from "../service-scope.js";
import { questionShape } from "../answer/question-shape.js";
import { startStep } from "../phases/step-clock.js";
import { tagKeys, BREAKDOWN_KEYS } from "./breakdown-keys.js";
import type { DrillDownPlan, DrillOption, DrillRound, DrillTarget } from "./drill-down.js";
import { breakdownOrder, drillCandidates, drillMenu, type DrillCandidate } from "./drill-menu.js";

/** Grouped reads one round makes at most. */
export const MAX_READS_PER_ROUND = 4;
/** Keys read per metric in one round, for the first candidate and the others. */
const KEYS_PER_METRIC = [2, 1] as const;

export interface DrillBudget {
  /** The round the drill-down would be (2, 3…). */
  readonly round: number;
  /** Grouped reads left for the job (max_reasoning_steps minus those of earlier rounds). */
  readonly reads: number;
}

/** Picks from the menu: a model's choice (validated by the caller) or the rules'. */
export type DrillPicker = (
  menu: readonly DrillOption[],
  limit: number,
) => Promise<{
  readonly picked: readonly DrillOption[];
  readonly source: "offline" | "llm" | "fallback";
  readonly steps: readonly StepDraft[];
}>;

export interface ProposeInput {
  readonly question: string;
  readonly scope: ServiceScope;
  readonly plan: Plan;
  readonly analysis: AnalysisResult;
  readonly rounds: readonly DrillRound[];
  readonly localisations: readonly Localisation[];
  /** Absent: no round is left (or no time); the tags are still read to say what the service lacks. */
  readonly budget?: DrillBudget;
}

export interface Proposal {
  readonly plan?: DrillDownPlan;
  /** Breakdowns the question asked for that the metrics have no tag for. */
  readonly absent: ReadonlyArray<{ readonly breakdown: string; readonly metrics: readonly string[] }>;
  readonly steps: readonly StepDraft[];
  readonly upstream_calls: number;
}

function subjectOf(c: DrillCandidate): string {
  switch (c.kind) {
    case "errors":
      return "errors";
    case "requests":
      return "requests";
    case "latency":
      return "latency";
    default:
      return c.metric;
  }
}

/** The rules' pick: the first candidate's two best keys, the next one's best, within the limit. */
export function pickByRules(menu: readonly DrillOption[], limit: number): DrillOption[] {
  const metrics = [...new Set(menu.map((o) => o.metric))];
  const picked = metrics.flatMap((metric, i) =>
    menu.filter((o) => o.metric === metric).slice(0, KEYS_PER_METRIC[Math.min(i, 1)]),
  );
  return picked.slice(0, limit);
}

/**
 * Decides whether the findings call for another round: reads the tags the candidate metrics really
 * have (cached like metadata), builds the menu of breakdowns no round has read, and picks grouped
 * reads within the budget. Metrics a round already localised are not read again.
 */
export async function proposeDrillDown(
  deps: { readonly source: MetricsSource; readonly now: () => number; readonly pick?: DrillPicker },
  input: ProposeInput,
  signal: AbortSignal,
): Promise<Proposal> {
  const { question, scope, plan, analysis } = input;
  const service = scope.service_id;
  const localised = new Set(input.localisations.filter((l) => l.culprit).map((l) => l.metric));
  const candidates = drillCandidates(question, service, plan, analysis).filter(
    (c) => !localised.has(c.metric),
  );
  const asked = questionShape(question, service).breakdown;
  const answered =
    asked !== undefined && input.localisations.some((l) => BREAKDOWN_KEYS[asked]?.includes(l.key));
  if (candidates.length === 0 || (answered && input.localisations.some((l) => l.culprit)))
    return { absent: [], steps: [], upstream_calls: 0 };

  const t = startStep(deps.now);
  const scopeKeys = new Set(scope.tags.map((tag) => tag.split(":")[0] ?? ""));
  let upstream = 0;
  const failed: string[] = [];
  const keysOf = new Map<string, readonly string[]>();
  let cached = true;
  await Promise.all(
    candidates.map(async (c) => {
      try {
        const read = await deps.source.metricTags(c.metric, scope, plan.window, signal);
        upstream += read.upstream_calls;
        if (read.cache !== "hit") cached = false;
        keysOf.set(c.metric, tagKeys(read.value, scopeKeys));
      } catch (error) {
        if (signal.aborted) throw error;
        const code = error instanceof AppError ? `${error.code}: ` : "";
        failed.push(`${c.metric} (${code}${describeError(error)})`);
      }
    }),
  );
  const absent =
    asked !== undefined && !answered
      ? (() => {
          const lacking = candidates.filter(
            (c) =>
              keysOf.has(c.metric) &&
              !(BREAKDOWN_KEYS[asked] ?? []).some((k) => keysOf.get(c.metric)?.includes(k)),
          );
          return lacking.length > 0 && lacking.length === [...keysOf.keys()].length
            ? [{ breakdown: asked, metrics: lacking.map((c) => c.metric) }]
            : [];
        })()
      : [];
  const order = breakdownOrder(question, service, analysis);
  const menu = drillMenu(candidates, keysOf, order, input.rounds);
  const tagSummary = [...keysOf]
    .map(([metric, keys]) => `${metric}: ${keys.length > 0 ? keys.join(", ") : "no tags beyond the scope"}`)
    .join("; ");
  const steps: StepDraft[] = [
    {
      kind: "tool",
      name: "metric_tags",
      started_at: t.startedAt,
      duration_ms: t.elapsed(),
      status: failed.length > 0 && keysOf.size === 0 ? "error" : "ok",
      ...(keysOf.size > 0 ? { cache: cached ? ("hit" as const) : ("miss" as const) } : {}),
      summary: `tags of ${candidates.length} metric(s): ${tagSummary || "none read"}`,
      ...(failed.length > 0 ? { error: `could not read the tags of ${failed.join(", ")}` } : {}),
    },
  ];
  // For a "which" question whose breakdown no metric has, another breakdown answers something else.
  const problem = analysis.findings.some((f) => f.severity !== "info");
  const usable = absent.length > 0 && !problem ? [] : menu;
  const limit = Math.min(MAX_READS_PER_ROUND, input.budget?.reads ?? 0);
  if (!input.budget || usable.length === 0 || limit <= 0) return { absent, steps, upstream_calls: upstream };

  const chosen = deps.pick
    ? await deps.pick(usable, limit)
    : { picked: pickByRules(usable, limit), source: "offline" as const, steps: [] };
  steps.push(...chosen.steps);
  const round = input.budget.round;
  const readSteps: PlanStep[] = [];
  const targets: DrillTarget[] = [];
  chosen.picked.slice(0, limit).forEach((option, i) => {
    const c = candidates.find((x) => x.metric === option.metric);
    if (!c) return;
    const additive = c.kind === "errors" || c.kind === "requests";
    const id = `r${round}-${i + 1}`;
    readSteps.push({
      id,
      tool: "metrics",
      query: { ...c.query, aggregator: additive ? "sum" : c.query.aggregator, by: [option.key] },
      reason: `where ${subjectOf(c)} ${c.finding ? "changed" : "are"}: ${c.metric} by ${option.key} (${option.breakdown})`,
    });
    targets.push({
      step_id: id,
      metric: c.metric,
      key: option.key,
      breakdown: option.breakdown,
      ...(c.finding ? { finding_id: c.finding.id, change_at: c.finding.window.start } : {}),
      additive,
      subject: subjectOf(c),
    });
  });
  if (readSteps.length === 0) return { absent, steps, upstream_calls: upstream };
  const drill: DrillDownPlan = {
    round,
    window: plan.window,
    steps: readSteps,
    targets,
    source: chosen.source,
    rationale: `round ${round}: ${targets.map((x) => `${x.metric} by ${x.key}`).join(", ")}`,
  };
  steps.push({
    kind: "analysis",
    name: "drill_down",
    started_at: new Date(deps.now()).toISOString(),
    duration_ms: 0,
    status: "ok",
    summary: `round ${round} planned (${chosen.source}): ${readSteps.length} grouped read(s) — ${targets.map((x) => `${x.metric} by ${x.key}`).join(", ")}`,
  });
  return { plan: drill, absent, steps, upstream_calls: upstream };
}
