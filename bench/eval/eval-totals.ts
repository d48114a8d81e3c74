import type { CheckKind } from "./expectation-check.js";
import type { ScenarioScore } from "./score-scenario.js";

/** What the committed set must reach; `npm run eval` exits non-zero below it. */
export const TARGETS = { recall: 0.9, precision: 0.9, forbidden: 0 } as const;

/** How many checks of one kind were made and how many held. */
export interface CheckTally {
  readonly passed: number;
  readonly checked: number;
}

/** Length and repetition of the answers of a run (jobs without an answer are left out). */
export interface AnswerStats {
  readonly answers: number;
  readonly median_words: number;
  readonly p90_words: number;
  /** Sentences repeated within an answer, summed over the answers. */
  readonly duplicate_sentences: number;
  readonly answers_with_duplicates: number;
  /** Answers with a text defect other than repetition (exponent notation, NaN, a placeholder…). */
  readonly answers_with_defects: number;
}

/** Micro-averaged totals over a run: every expected and reported finding weighs the same. */
export interface EvalTotals {
  readonly scenarios: number;
  readonly expected: number;
  readonly reported: number;
  readonly matched: number;
  readonly false_positives: number;
  readonly forbidden: number;
  readonly failed_jobs: number;
  readonly timing_hits: number;
  readonly timing_checked: number;
  readonly recall: number;
  readonly precision: number;
  readonly state: CheckTally;
  readonly answer: CheckTally;
  readonly window: CheckTally;
  /** Scenarios with an expected culprit, and how many answers named it (culprit recall). */
  readonly culprit: CheckTally;
  readonly answers: AnswerStats;
  /** Scenarios with a miss, a false positive, a forbidden finding, a failed check or a failed job. */
  readonly failing: readonly string[];
  readonly meets_targets: boolean;
}

/** The value at quantile q of sorted numbers (nearest rank); 0 for none. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/** Word counts and repeated sentences of the answers behind these scores. */
export function answerStats(scores: readonly ScenarioScore[]): AnswerStats {
  const words = scores
    .map((s) => s.answer_words)
    .filter((w): w is number => w !== undefined)
    .sort((a, b) => a - b);
  const duplicates = scores.map((s) => s.duplicate_sentences ?? 0);
  return {
    answers: words.length,
    median_words: quantile(words, 0.5),
    p90_words: quantile(words, 0.9),
    duplicate_sentences: duplicates.reduce((a, b) => a + b, 0),
    answers_with_duplicates: duplicates.filter((d) => d > 0).length,
    answers_with_defects: scores.filter((s) => (s.text_defects ?? []).some((d) => !d.includes("repeated")))
      .length,
  };
}

function tally(scores: readonly ScenarioScore[], kind: CheckKind): CheckTally {
  const checks = scores.flatMap((s) => s.checks.filter((c) => c.kind === kind));
  return { passed: checks.filter((c) => c.passed).length, checked: checks.length };
}

/** Sums the scores and checks them against the targets. */
export function evalTotals(scores: readonly ScenarioScore[]): EvalTotals {
  const sum = (f: (s: ScenarioScore) => number) => scores.reduce((a, s) => a + f(s), 0);
  const expected = sum((s) => s.expected);
  const matched = sum((s) => s.matched);
  const falsePositives = sum((s) => s.false_positives.length);
  const forbidden = sum((s) => s.forbidden.length);
  const failedJobs = scores.filter((s) => s.error !== undefined).length;
  const recall = expected > 0 ? matched / expected : 1;
  const precision = matched + falsePositives > 0 ? matched / (matched + falsePositives) : 1;
  return {
    scenarios: scores.length,
    expected,
    reported: sum((s) => s.reported),
    matched,
    false_positives: falsePositives,
    forbidden,
    failed_jobs: failedJobs,
    timing_hits: sum((s) => s.timing_hits),
    timing_checked: sum((s) => s.timing_checked),
    recall,
    precision,
    state: tally(scores, "state"),
    answer: tally(scores, "answer"),
    window: tally(scores, "window"),
    culprit: {
      passed: scores.filter((s) => s.culprit_named === true).length,
      checked: scores.filter((s) => s.culprit_named !== undefined).length,
    },
    answers: answerStats(scores),
    failing: scores
      .filter(
        (s) =>
          s.matched < s.expected ||
          s.false_positives.length > 0 ||
          s.error !== undefined ||
          s.culprit_named === false ||
          s.checks.some((c) => !c.passed),
      )
      .map((s) => s.id),
    meets_targets:
      recall >= TARGETS.recall && precision >= TARGETS.precision && forbidden <= TARGETS.forbidden,
  };
}
