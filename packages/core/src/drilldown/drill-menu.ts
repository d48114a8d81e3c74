import type { AnalysisResult } from "../analysis-result.js";
import type { Finding } from "../finding.js";
import { classifyMetric } from "../metric-catalog.js";
import type { MetricQuery, Plan } from "../plan.js";
import type { SignalKind } from "../signal-kind.js";
import { questionShape } from "../answer/question-shape.js";
import { BREAKDOWN_ORDER, breakdownKeysOf } from "./breakdown-keys.js";
import type { DrillOption, DrillRound } from "./drill-down.js";

/** Finding categories a breakdown can explain (a leak or a full disk is one host's by nature). */
const LOCALISABLE = new Set([
  "latency",
  "errors",
  "traffic",
  "saturation",
  "availability",
  "deploy_regression",
]);
/** Kinds a "which" question is about when it names none ("which endpoint is failing?"). */
const WHICH_KINDS: readonly SignalKind[] = ["latency", "errors", "requests"];
/** Metrics drilled into per round at most, and keys per metric. */
export const MAX_CANDIDATES = 2;

/** A metric worth reading again by a breakdown: the read it came from and the finding it would explain. */
export interface DrillCandidate {
  readonly metric: string;
  readonly query: MetricQuery;
  readonly finding?: Finding;
  readonly kind?: SignalKind;
}

const SECONDARY = new Set(["logs", "monitors", "events"]);

/**
 * The metrics a drill-down would read again by a breakdown: those of the significant findings a
 * breakdown can explain, strongest first; for a "which …" question also the metrics of the signal
 * it asks about, even without a finding (the culprit may be a level, not a change).
 */
export function drillCandidates(
  question: string,
  service: string,
  plan: Plan,
  analysis: AnalysisResult,
): DrillCandidate[] {
  const reads = new Map<string, MetricQuery>();
  for (const step of plan.steps)
    if (
      step.tool === "metrics" &&
      !step.query.shift &&
      step.query.by.length === 0 &&
      !reads.has(step.query.metric)
    )
      reads.set(step.query.metric, step.query);
  const out: DrillCandidate[] = [];
  const add = (metric: string, finding?: Finding) => {
    const query = reads.get(metric);
    if (!query || out.some((c) => c.metric === metric)) return;
    const kind = finding?.kind ?? classifyMetric(metric)?.kind;
    out.push({ metric, query, ...(finding ? { finding } : {}), ...(kind ? { kind } : {}) });
  };
  const findings = analysis.findings
    .filter((f) => f.severity !== "info" && !SECONDARY.has(f.metric) && LOCALISABLE.has(f.category))
    .sort((a, b) => b.score - a.score);
  const shape = questionShape(question, service);
  if (shape.form === "which") {
    const kinds = shape.kinds.length > 0 ? shape.kinds : WHICH_KINDS;
    for (const f of findings) if (f.kind && kinds.includes(f.kind)) add(f.metric, f);
    for (const [metric] of reads) {
      const kind = classifyMetric(metric)?.kind;
      if (kind && kinds.includes(kind)) add(metric);
    }
  }
  for (const f of findings) add(f.metric, f);
  return out.slice(0, MAX_CANDIDATES);
}

/** The order breakdowns are tried in: the question's first, then the version when a deploy is in the story. */
export function breakdownOrder(question: string, service: string, analysis: AnalysisResult): string[] {
  const asked = questionShape(question, service).breakdown;
  const deploy = analysis.findings.some((f) => f.category === "deploy_regression" || f.metric === "events");
  const order = deploy
    ? ["version", ...BREAKDOWN_ORDER.filter((b) => b !== "version")]
    : [...BREAKDOWN_ORDER];
  return asked ? [asked, ...order.filter((b) => b !== asked)] : order;
}

/** The menu: for each candidate, the breakdowns its real tags allow that no earlier round read. */
export function drillMenu(
  candidates: readonly DrillCandidate[],
  keysOf: ReadonlyMap<string, readonly string[]>,
  order: readonly string[],
  rounds: readonly DrillRound[],
): DrillOption[] {
  const tried = new Set(rounds.flatMap((r) => r.plan.targets.map((t) => `${t.metric}|${t.key}`)));
  return candidates.flatMap((c) =>
    breakdownKeysOf(keysOf.get(c.metric) ?? [], order)
      .filter(({ key }) => !tried.has(`${c.metric}|${key}`))
      .map(({ key, breakdown }) => ({ metric: c.metric, key, breakdown })),
  );
}
