import { FAMILIES, familyNamed } from "./families/family-catalog.js";
import { familyScenarios, type GeneratedSplit } from "./families/family-draws.js";
import type { ScenarioFamily } from "./families/scenario-family.js";
import {
  loadScenarioDir,
  scenarioLibrary,
  type ScenarioFile,
  type ScenarioLibrary,
} from "./scenario-library.js";

/**
 * Which scenarios a run scores: `committed` (the files of a directory, the default), `dev`
 * (those plus the dev draws of every family: tune on these), `test` (the test draws only:
 * report these, never tune on them), or `all`.
 */
export type SplitChoice = "committed" | "dev" | "test" | "all";
export const SPLIT_CHOICES: readonly SplitChoice[] = ["committed", "dev", "test", "all"];

export interface ScenarioSetOptions {
  readonly split: SplitChoice;
  /** The committed scenarios' directory. */
  readonly dir: string;
  /** Only these generated families (and no committed files); default every family. */
  readonly families?: readonly string[];
}

/** The families named, or an error naming the unknown one and the known ones. */
export function resolveFamilies(names: readonly string[] | undefined): readonly ScenarioFamily[] {
  if (!names || names.length === 0) return FAMILIES;
  return names.map((name) => {
    const family = familyNamed(name);
    if (!family)
      throw new Error(`no family "${name}"; the families are: ${FAMILIES.map((f) => f.name).join(", ")}`);
    return family;
  });
}

/** The generated draws of a split choice ("dev" and "test" of `all`, none of `committed`). */
export function generatedScenarios(split: SplitChoice, families: readonly ScenarioFamily[]): ScenarioFile[] {
  const splits: GeneratedSplit[] = split === "all" ? ["dev", "test"] : split === "committed" ? [] : [split];
  return splits.flatMap((s) => familyScenarios(s, families));
}

/** The scenarios of a run: committed files and generated draws, as one library. */
export function loadScenarioSet(options: ScenarioSetOptions): ScenarioLibrary {
  const families = resolveFamilies(options.families);
  const withCommitted =
    (options.split === "committed" || options.split === "dev" || options.split === "all") &&
    (options.families ?? []).length === 0;
  const committed = withCommitted ? loadScenarioDir(options.dir) : scenarioLibrary([]);
  return scenarioLibrary(
    [...committed.scenarios, ...generatedScenarios(options.split, families)],
    committed.invalid,
  );
}
