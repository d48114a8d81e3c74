import { analyzeEvidence } from "../analysis/analyze-evidence.js";
import { composeOfflineAnswer } from "../answer/compose-offline-answer.js";
import type { JobResult } from "../answer.js";
import type { Evidence } from "../evidence.js";
import type { StepDraft } from "../job.js";
import type { Plan } from "../plan.js";
import type { AnalysisResult } from "../analysis-result.js";
import type { DrillDownPlan, DrillFindings, DrillRound } from "../drilldown/drill-down.js";
import { localiseRounds } from "../drilldown/localise-rounds.js";
import { pickByRules, proposeDrillDown, type DrillPicker } from "../drilldown/propose-drill-down.js";
import type { ConversationMessage, MetricsSource, Reasoner } from "../ports.js";
import type { ServiceScope } from "../service-scope.js";
import { startStep, type StepSink } from "./step-clock.js";

export interface SynthesizeDeps {
  readonly reasoner: Reasoner;
  readonly now: () => number;
  readonly onStep?: StepSink;
  /** Where drill-down reads go (the tags of a metric); absent: no drill-down is considered. */
  readonly source?: MetricsSource;
  /** A model's pick of drill-downs from the menu; absent: the rules pick. */
  readonly pickDrillDowns?: DrillPicker;
}

/** How far a job may drill down: the rounds and grouped reads left, and the time it needs. */
export interface DrillAllowance {
  /** Extra rounds the job may take in all (orchestrator.max_rounds). */
  readonly maxRounds: number;
  /** Grouped reads the job may make in all its extra rounds (orchestrator.max_reasoning_steps). */
  readonly maxReads: number;
  /** A round is started only with at least this much time left before the deadline. */
  readonly minRemainingMs: number;
}

export interface SynthesizeInput {
  readonly question: string;
  readonly scope: ServiceScope;
  readonly plan: Plan;
  readonly evidence: Evidence;
  readonly history: readonly ConversationMessage[];
  /** The job's deadline (epoch ms), handed to the reasoner. */
  readonly deadlineMs?: number;
  /** The rounds after the first, with what their grouped reads returned. */
  readonly rounds?: readonly DrillRound[];
  /** Absent: answer now, whatever the findings. */
  readonly drill?: DrillAllowance;
}

export interface SynthesizeOutcome {
  readonly result: JobResult;
  readonly steps: readonly StepDraft[];
  /** Upstream calls made while deciding on a drill-down (tags). */
  readonly upstream_calls?: number;
}

/** Instead of an answer: the reads of another round. */
export interface DrillOutcome {
  readonly drill: DrillDownPlan;
  readonly steps: readonly StepDraft[];
  readonly upstream_calls: number;
}

/**
 * The reasoner's pick of drill-downs, when it has one: each pick must be on the menu (the tags the
 * metrics really have) and within the limit; with none valid the rules pick, and the trace says so.
 */
function reasonerPicker(
  reasoner: Reasoner,
  input: SynthesizeInput,
  analysis: AnalysisResult,
  signal: AbortSignal,
): DrillPicker | undefined {
  const picker = reasoner.pickDrillDowns?.bind(reasoner);
  if (!picker) return undefined;
  return async (menu, limit) => {
    const findings = analysis.findings.filter((f) => f.severity !== "info");
    const reply = await picker(
      {
        question: input.question,
        scope: input.scope,
        menu,
        limit,
        findings,
        ...(input.deadlineMs !== undefined ? { deadline_ms: input.deadlineMs } : {}),
      },
      signal,
    );
    const seen = new Set<string>();
    const valid = (reply.value ?? [])
      .flatMap((p) => {
        const option = menu.find((o) => o.metric === p.metric && o.key === p.key);
        const id = `${p.metric}|${p.key}`;
        if (!option || seen.has(id)) return [];
        seen.add(id);
        return [option];
      })
      .slice(0, limit);
    if (valid.length > 0) return { picked: valid, source: "llm", steps: reply.steps };
    return { picked: pickByRules(menu, limit), source: "fallback", steps: reply.steps };
  };
}

/**
 * Feedback: analyses the evidence into findings and has the reasoner write the answer — unless
 * a breakdown would place the findings (which endpoint, host, version) and the allowance leaves a
 * round: then it returns that round's grouped reads instead.
 */
export async function reviewEvidence(
  deps: SynthesizeDeps,
  input: SynthesizeInput,
  signal: AbortSignal,
): Promise<SynthesizeOutcome | DrillOutcome> {
  return synthesize(deps, input, signal);
}

/** Feedback that always answers (the rounds taken are still used). */
export async function synthesizeAnswer(
  deps: SynthesizeDeps,
  asked: SynthesizeInput,
  signal: AbortSignal,
): Promise<SynthesizeOutcome> {
  const outcome = await synthesize(deps, { ...asked, drill: undefined }, signal);
  if ("drill" in outcome) throw new Error("unreachable: a drill-down without an allowance");
  return outcome;
}

async function synthesize(
  deps: SynthesizeDeps,
  asked: SynthesizeInput,
  signal: AbortSignal,
): Promise<SynthesizeOutcome | DrillOutcome> {
  // The window read is the window answered: execution may have widened the planned one.
  const input: SynthesizeInput = { ...asked, plan: { ...asked.plan, window: asked.evidence.window } };
  const steps: StepDraft[] = [];
  const record = (step: StepDraft) => {
    steps.push(step);
    deps.onStep?.(step);
  };

  const t = startStep(deps.now);
  const found = analyzeEvidence({ evidence: input.evidence, plan: input.plan });
  const bySeverity = (s: string) => found.findings.filter((f) => f.severity === s).length;
  record({
    kind: "analysis",
    name: "analyze_evidence",
    started_at: t.startedAt,
    duration_ms: t.elapsed(),
    status: "ok",
    summary:
      `${found.stats.length} series analysed, ${found.findings.length} finding(s) ` +
      `(${bySeverity("critical")} critical, ${bySeverity("warning")} warning), coverage ${Math.round(found.coverage * 100)}%`,
  });

  const rounds = input.rounds ?? [];
  const localisations = localiseRounds(rounds);
  if (localisations.length > 0)
    record({
      kind: "analysis",
      name: "localise",
      started_at: new Date(deps.now()).toISOString(),
      duration_ms: 0,
      status: "ok",
      summary: localisations
        .map((l) => `${l.metric} by ${l.key}: ${l.verdict}${l.culprit ? ` (${l.culprit.value})` : ""}`)
        .join("; "),
    });
  let upstream = 0;
  let drill: DrillFindings | undefined =
    rounds.length > 0 ? { localisations, absent: [], rounds: rounds.length } : undefined;
  if (deps.source) {
    const allowance = input.drill;
    const round = rounds.length + 2;
    const readsUsed = rounds.reduce((n, r) => n + r.plan.steps.length, 0);
    const inTime =
      input.deadlineMs === undefined || input.deadlineMs - deps.now() >= (allowance?.minRemainingMs ?? 0);
    const budget =
      allowance && rounds.length < allowance.maxRounds && inTime && allowance.maxReads - readsUsed > 0
        ? { round, reads: allowance.maxReads - readsUsed }
        : undefined;
    const pick = deps.pickDrillDowns ?? reasonerPicker(deps.reasoner, input, found, signal);
    const proposal = await proposeDrillDown(
      { source: deps.source, now: deps.now, ...(pick ? { pick } : {}) },
      {
        question: input.question,
        scope: input.scope,
        plan: input.plan,
        analysis: found,
        rounds,
        localisations,
        ...(budget ? { budget } : {}),
      },
      signal,
    );
    upstream += proposal.upstream_calls;
    for (const step of proposal.steps) record(step);
    if (proposal.plan) return { drill: proposal.plan, steps, upstream_calls: upstream };
    if (proposal.absent.length > 0 || drill)
      drill = { localisations, absent: proposal.absent, rounds: rounds.length };
  }
  const analysis: AnalysisResult = drill ? { ...found, drill } : found;

  const answered = await deps.reasoner.answer(
    {
      question: input.question,
      scope: input.scope,
      plan: input.plan,
      evidence: input.evidence,
      analysis,
      history: input.history,
      ...(input.deadlineMs !== undefined ? { deadline_ms: input.deadlineMs } : {}),
    },
    signal,
  );
  for (const step of answered.steps) record(step);

  // Every result carries the short forms; a reasoner that did not write them gets the analyst's.
  const offline =
    answered.value.direct_answer === undefined ||
    answered.value.summary === undefined ||
    answered.value.sections === undefined
      ? composeOfflineAnswer({
          question: input.question,
          scope: input.scope,
          plan: input.plan,
          evidence: input.evidence,
          analysis,
          history: input.history,
        })
      : undefined;
  const result: JobResult = {
    ...answered.value,
    direct_answer: answered.value.direct_answer ?? offline?.direct_answer ?? "",
    summary: answered.value.summary ?? offline?.summary ?? "",
    sections: answered.value.sections ?? offline?.sections ?? [],
    findings: analysis.findings,
    reasoner: deps.reasoner.id,
    data_source: input.evidence.data_source,
    missing_data: analysis.missing,
    window: {
      start: new Date(input.plan.window.start).toISOString(),
      end: new Date(input.plan.window.end).toISOString(),
      label: input.plan.window.label,
    },
  };
  return { result, steps, upstream_calls: upstream };
}
