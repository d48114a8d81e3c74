import type { ScenarioInput } from "@orch/core";
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

/** An answer that says all is well: what no answer about a real incident may say. */
export const ALL_CLEAR =
  "/no (problems|issues) found|nothing (abnormal|unusual|wrong)|all clear|looks healthy/";

export const ALL_CATEGORIES = [
  "latency",
  "errors",
  "saturation",
  "memory_leak",
  "traffic",
  "availability",
  "capacity",
  "deploy_regression",
] as const;

export type Category = (typeof ALL_CATEGORIES)[number];

/** Every category but the given ones: what a story forbids besides what it expects. */
export function allBut(...allowed: Category[]): Category[] {
  return ALL_CATEGORIES.filter((c) => !allowed.includes(c));
}
