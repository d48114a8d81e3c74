import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ScenarioFile } from "./scenario-library.js";

/** Writes each scenario as `<id>.json` in `dir` (created if missing); returns how many were written. */
export function writeScenarios(dir: string, files: readonly ScenarioFile[]): number {
  mkdirSync(dir, { recursive: true });
  for (const { scenario } of files) {
    writeFileSync(join(dir, `${scenario.id}.json`), `${JSON.stringify(scenario, null, 2)}\n`);
  }
  return files.length;
}
