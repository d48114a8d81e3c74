import type { ScenarioScore } from "./score-scenario.js";

/** What the committed set must reach; `npm run eval` exits non-zero below it. */
export const TARGETS = { recall: 0.9, precision: 0.9, forbidden: 0 } as const;

/** Micro-averaged totals over a run: every expected and reported finding weighs the same. */
export interface EvalTotals {
  readonly scenarios: number;
  readonly expected: number;
  readonly reported: number;
  readonly matched: number;
  readonly false_positives: number;
  readonly forbidden: number;
  readonly failed_jobs: number;
  readonly window_hits: number;
  readonly window_checked: number;
  readonly recall: number;
  readonly precision: number;
  /** Scenarios with a miss, a false positive, a forbidden finding or a failed job. */
  readonly failing: readonly string[];
  readonly meets_targets: boolean;
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
    window_hits: sum((s) => s.window_hits),
    window_checked: sum((s) => s.window_checked),
    recall,
    precision,
    failing: scores
      .filter((s) => s.matched < s.expected || s.false_positives.length > 0 || s.error !== undefined)
      .map((s) => s.id),
    meets_targets:
      recall >= TARGETS.recall && precision >= TARGETS.precision && forbidden <= TARGETS.forbidden,
  };
}
