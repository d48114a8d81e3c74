import { ROUND_LIMIT, roundPhaseKey, type DrillDownPlan, type DrillRound, type Evidence } from "@orch/core";
import { jobKeys } from "./job-keys.js";

/**
 * Where a job's drill-down rounds live in Redis, and how they read back. A round after the first
 * keeps two outputs of its own: the drill-down plan the feedback before it saved, and what its
 * reads returned. The answer of whichever round answers is the job's feedback output, so only the
 * phases that run rounds ever read these.
 */

/** The rounds after the first a job may take (2, 3, …). */
export const EXTRA_ROUNDS: readonly number[] = Array.from({ length: ROUND_LIMIT }, (_, i) => i + 2);

/** The outputs of the extra rounds a job may take: each drill-down plan and what its reads returned, in that order. */
export function roundKeys(id: string): string[] {
  return EXTRA_ROUNDS.flatMap((round) => [
    jobKeys.drillPlan(id, round),
    jobKeys.output(id, roundPhaseKey("execution", round)),
  ]);
}

/** The evidence outputs of the extra rounds (they expire with round 1's evidence). */
export function roundEvidenceKeys(id: string): string[] {
  return EXTRA_ROUNDS.map((round) => jobKeys.output(id, roundPhaseKey("execution", round)));
}

/**
 * The rounds read back from the texts stored under `roundKeys` (undefined where nothing is
 * stored): the rounds that ran, and the plan of a round still to run.
 */
export function parseRounds(texts: readonly (string | undefined)[]): {
  readonly rounds: DrillRound[];
  readonly drill_plan?: DrillDownPlan;
} {
  const rounds: DrillRound[] = [];
  const pending: DrillDownPlan[] = [];
  EXTRA_ROUNDS.forEach((_, i) => {
    const plan = texts[2 * i];
    const evidence = texts[2 * i + 1];
    if (plan === undefined) return;
    const parsed = JSON.parse(plan) as DrillDownPlan;
    if (evidence !== undefined) rounds.push({ plan: parsed, evidence: JSON.parse(evidence) as Evidence });
    else pending.push(parsed);
  });
  return { rounds, ...(pending[0] ? { drill_plan: pending[0] } : {}) };
}
