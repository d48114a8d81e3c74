import type { AnalysisResult } from "../analysis-result.js";
import type { Localisation } from "../analysis/localise.js";
import { BREAKDOWN_KEYS, breakdownOf } from "../drilldown/breakdown-keys.js";
import type { AnswerInput } from "../ports.js";
import { directAnswer, type DirectAnswer } from "./direct-answer.js";
import { questionShape, type QuestionShape } from "./question-shape.js";

/** What the drill-down rounds say of where the problem is, in the answer's words. */
export interface WhereLines {
  /** A "which …" question's direct answer, said first: the culprit, "no single one", or the missing tag. */
  readonly lead?: string;
  /** For other questions: where the problem is, said after the direct answer. */
  readonly tail?: string;
  /** Every localisation as a line, for the details. */
  readonly lines: readonly string[];
  /** Whether the "which" of the question was settled (a culprit, or plainly none). */
  readonly settled: boolean;
}

const capitalise = (s: string) => (s ? s[0]?.toUpperCase() + s.slice(1) : s);

function matches(l: Localisation, breakdown: string | undefined): boolean {
  return breakdown === undefined || (BREAKDOWN_KEYS[breakdown] ?? []).includes(l.key);
}

/** The localisations of the rounds as the answer says them, given what the question asks. */
export function whereLines(analysis: AnalysisResult, shape: QuestionShape, service: string): WhereLines {
  const drill = analysis.drill;
  if (!drill) return { lines: [], settled: false };
  const lines = drill.localisations.map(
    (l) =>
      `**${capitalise(breakdownOf(l.key) ?? l.key)}** — ${l.statement} (\`${l.metric}\` by \`${l.key}\`).`,
  );
  const named = drill.localisations.filter((l) => l.culprit);
  if (shape.form === "which") {
    const asked = shape.breakdown;
    const culprit = named.find((l) => matches(l, asked));
    if (culprit?.culprit) {
      const what = breakdownOf(culprit.key) ?? culprit.key;
      return {
        lead: `${capitalise(what)} **${culprit.culprit.value}**: ${culprit.statement}.`,
        lines,
        settled: true,
      };
    }
    const spread = drill.localisations.find((l) => matches(l, asked));
    if (spread)
      return {
        lead: `No single ${asked ?? spread.key} stands out: ${spread.statement}.`,
        lines,
        settled: true,
      };
    const missing = drill.absent.find((a) => a.breakdown === asked);
    if (missing)
      return {
        lead: `${service} has no ${asked} tag on ${missing.metrics.map((m) => `\`${m}\``).join(" or ")} (tags looked for: ${(BREAKDOWN_KEYS[asked ?? ""] ?? []).join(", ")}), so which ${asked} cannot be told from its metrics.`,
        lines,
        settled: false,
      };
  }
  const top = named[0];
  return { ...(top ? { tail: `Where: ${top.statement}.` } : {}), lines, settled: top !== undefined };
}

/**
 * The direct answer with where the problem is: the culprit (or the missing tag) first for a
 * "which" question, after the cause for any other.
 */
export function directAnswerWithWhere(input: AnswerInput): DirectAnswer {
  const direct = directAnswer(input);
  const where = whereLines(
    input.analysis,
    questionShape(input.question, input.scope.service_id),
    input.scope.service_id,
  );
  if (where.lead) return { ...direct, text: `${where.lead} ${direct.text}` };
  if (where.tail) return { ...direct, text: `${direct.text} ${where.tail}` };
  return direct;
}
