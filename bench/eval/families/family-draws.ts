import { parseScenario } from "@orch/core";
import type { ScenarioFile } from "../scenario-library.js";
import { DrawRandom, seedOf } from "./draw-random.js";
import { FAMILIES } from "./family-catalog.js";
import type { ScenarioFamily } from "./scenario-family.js";

/** The generated splits: `dev` to tune on, `test` to report. */
export type GeneratedSplit = "dev" | "test";

/** Draws of each family in each split: 20 per family in all. */
export const DRAWS_PER_SPLIT = 10;

/**
 * What a draw's seed is made of. The test split's salt is fixed so that its scenarios are
 * stable from run to run; nobody tuning the analyst should read them (docs/scenarios.md).
 */
const SALTS: Readonly<Record<GeneratedSplit, string>> = {
  dev: "dev",
  test: "test · measured, never tuned on · 7c1e",
};

/** The seed of draw `index` (1-based) of a family in a split. */
export function drawSeed(family: string, split: GeneratedSplit, index: number): number {
  return seedOf(`${SALTS[split]}|${family}|${index}`);
}

/** Draw `index` of a family in a split, as a validated scenario file (its id: `<family>-<split>-<nn>`). */
export function drawScenario(family: ScenarioFamily, split: GeneratedSplit, index: number): ScenarioFile {
  const r = new DrawRandom(drawSeed(family.name, split, index));
  const body = family.draw(r);
  const id = `${family.name}-${split}-${String(index).padStart(2, "0")}`;
  let scenario;
  try {
    scenario = parseScenario({ id, seed: r.seed(), ...body });
  } catch (error) {
    throw new Error(
      `family ${family.name} drew an invalid scenario ${id}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { file: `${id}.json`, scenario, family: family.name, split };
}

/** Every draw of the given families (default: all) in a split, family by family. */
export function familyScenarios(
  split: GeneratedSplit,
  families: readonly ScenarioFamily[] = FAMILIES,
  draws = DRAWS_PER_SPLIT,
): ScenarioFile[] {
  return families.flatMap((family) =>
    Array.from({ length: draws }, (_, i) => drawScenario(family, split, i + 1)),
  );
}
