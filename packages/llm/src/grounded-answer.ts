import {
  groundedConfidence,
  type AnalysisResult,
  type Answer,
  type DirectAnswer,
  type Finding,
} from "@orch/core";
import type { AnswerReply } from "./answer-output.js";

/** How far above the data's own confidence a model may go. */
const MARGIN = 0.05;
/** Never certain: data can always be incomplete. */
const MAX_CONFIDENCE = 0.98;
/** Confidence lost per finding id the model cited that does not exist. */
const UNKNOWN_ID_PENALTY = 0.1;

export interface GroundedAnswer {
  readonly answer: Answer;
  /** The confidence the analysis alone supports. */
  readonly grounded: number;
  /** Ids the model cited that are not findings of the analysis (dropped from the answer). */
  readonly unknownIds: readonly string[];
}

/**
 * Grounds a model's answer in the analysis: cited ids must be real findings, and confidence is
 * the model's own, never above what the data supports (plus a small margin), lowered for
 * invented ids and for ignoring significant findings.
 */
export function groundAnswer(reply: AnswerReply, analysis: AnalysisResult): GroundedAnswer {
  const grounded = groundedConfidence(analysis);
  const known = new Set(analysis.findings.map((f) => f.id));
  const cited = [...new Set(reply.findings_used)];
  const used = cited.filter((id) => known.has(id));
  const unknownIds = cited.filter((id) => !known.has(id));

  let confidence = Math.min(reply.confidence, grounded + MARGIN, MAX_CONFIDENCE);
  confidence -= Math.min(0.3, UNKNOWN_ID_PENALTY * unknownIds.length);
  const significant = analysis.findings.some((f) => f.severity !== "info");
  if (significant && used.length === 0) confidence = Math.min(confidence, grounded - 0.1);
  confidence = Math.round(Math.max(0.05, confidence) * 100) / 100;

  return {
    answer: {
      answer_markdown: reply.answer_markdown,
      findings_used: used,
      recommendations: reply.recommendations,
      confidence,
    },
    grounded,
    unknownIds,
  };
}

/** The analysis' causal links as lines for the prompt: "F1 → F2: it began 12 min after CPU saturated". */
export function causalChain(findings: readonly Finding[]): string {
  const lines = findings.flatMap((f) =>
    (f.caused_by ?? []).map((cause) => `${cause} → ${f.id}${f.cause_reason ? `: ${f.cause_reason}` : ""}`),
  );
  return lines.length > 0 ? lines.join("; ") : "none (the findings are independent)";
}

/**
 * The analysis' direct answer and causal chain survive the model: when the model's answer does not
 * cite the cause the analysis leads with, the analysis' direct answer is put first, the cause is
 * added to the findings used, and a note says so for the trace. The short forms always come from
 * the analysis.
 */
export function keepChain(
  grounded: GroundedAnswer,
  direct: DirectAnswer,
  findings: readonly Finding[],
): GroundedAnswer & { readonly chainNote?: string } {
  const focus = direct.focus;
  const answer = { ...grounded.answer, direct_answer: direct.text };
  if (!focus || grounded.answer.findings_used.includes(focus.id)) return { ...grounded, answer };
  const cited = findings.find((f) => f.id === focus.id);
  return {
    ...grounded,
    answer: {
      ...answer,
      answer_markdown: `${direct.text}\n\n${grounded.answer.answer_markdown}`,
      findings_used: [focus.id, ...grounded.answer.findings_used],
    },
    chainNote: `the model's answer did not cite ${focus.id} (${cited?.summary.slice(0, 120) ?? focus.id}), the cause the analysis leads with: its direct answer was put first`,
  };
}
