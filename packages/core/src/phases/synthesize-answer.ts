import { analyzeEvidence } from "../analysis/analyze-evidence.js";
import { composeOfflineAnswer } from "../answer/compose-offline-answer.js";
import type { JobResult } from "../answer.js";
import type { Evidence } from "../evidence.js";
import type { StepDraft } from "../job.js";
import type { Plan } from "../plan.js";
import type { ConversationMessage, Reasoner } from "../ports.js";
import type { ServiceScope } from "../service-scope.js";
import { startStep, type StepSink } from "./step-clock.js";

export interface SynthesizeDeps {
  readonly reasoner: Reasoner;
  readonly now: () => number;
  readonly onStep?: StepSink;
}

export interface SynthesizeInput {
  readonly question: string;
  readonly scope: ServiceScope;
  readonly plan: Plan;
  readonly evidence: Evidence;
  readonly history: readonly ConversationMessage[];
  /** The job's deadline (epoch ms), handed to the reasoner. */
  readonly deadlineMs?: number;
}

export interface SynthesizeOutcome {
  readonly result: JobResult;
  readonly steps: readonly StepDraft[];
}

/** Feedback: analyses the evidence into findings and has the reasoner write the answer. */
export async function synthesizeAnswer(
  deps: SynthesizeDeps,
  asked: SynthesizeInput,
  signal: AbortSignal,
): Promise<SynthesizeOutcome> {
  // The window read is the window answered: execution may have widened the planned one.
  const input: SynthesizeInput = { ...asked, plan: { ...asked.plan, window: asked.evidence.window } };
  const steps: StepDraft[] = [];
  const record = (step: StepDraft) => {
    steps.push(step);
    deps.onStep?.(step);
  };

  const t = startStep(deps.now);
  const analysis = analyzeEvidence({ evidence: input.evidence, plan: input.plan });
  const bySeverity = (s: string) => analysis.findings.filter((f) => f.severity === s).length;
  record({
    kind: "analysis",
    name: "analyze_evidence",
    started_at: t.startedAt,
    duration_ms: t.elapsed(),
    status: "ok",
    summary:
      `${analysis.stats.length} series analysed, ${analysis.findings.length} finding(s) ` +
      `(${bySeverity("critical")} critical, ${bySeverity("warning")} warning), coverage ${Math.round(analysis.coverage * 100)}%`,
  });

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
  return { result, steps };
}
