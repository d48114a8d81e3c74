import { FINDING_CATEGORIES, type FindingCategory, type ScenarioInput } from "@orch/core";
import type { DrawRandom } from "./draw-random.js";

/** A scenario as a family draws it; the expander gives it its id and noise seed. */
export type FamilyScenario = Omit<ScenarioInput, "id" | "seed" | "$schema">;

/**
 * One incident story, told many ways: each draw picks the integration and metrics, units,
 * levels, noise, window, timing, time of day and the question's phrasing, and says what an SRE
 * would call the problem (or, for a red herring, which alarms would be false).
 */
export interface ScenarioFamily {
  readonly name: string;
  /** The story in a sentence, for people. */
  readonly story: string;
  readonly kind: "incident" | "red herring";
  draw(r: DrawRandom): FamilyScenario;
}

/**
 * An answer that says all is well: what no answer about a real incident may say. A line that
 * opens with "nothing abnormal" (the direct answer), "no problems found", "all clear", or "why
 * this looks healthy"; a line about one healthy signal ("**Traffic**: nothing abnormal — …") is
 * not a claim that all is well.
 */
export const ALL_CLEAR =
  "/^(i found )?nothing (abnormal|unusual|wrong)|no (problems|issues) found|\\ball clear\\b|this looks healthy/m";

/** The finding categories of the scenario format: a quiet story forbids them all. */
export const ALL_CATEGORIES: readonly FindingCategory[] = FINDING_CATEGORIES;

export type Category = FindingCategory;

/** Every category but the given ones: what a story forbids besides what it expects. */
export function allBut(...allowed: Category[]): Category[] {
  return ALL_CATEGORIES.filter((c) => !allowed.includes(c));
}

/**
 * What an answer about a real incident must say: the `mentions` an on-call engineer would insist
 * on, never that all is well, and for a yes/no question the right word first.
 */
export function incidentAnswer(
  question: { readonly lead?: string },
  mentions: readonly string[],
): NonNullable<FamilyScenario["expected"]>["answer"] {
  return {
    must_mention: [...mentions],
    must_not_mention: [ALL_CLEAR],
    ...(question.lead ? { lead: [question.lead] } : {}),
  };
}
