import { fileURLToPath } from "node:url";
import { SCENARIO_ANCHOR } from "@orch/core";
import { describe, expect, it } from "vitest";
import { answerDefects } from "./answer-text.js";
import { FAMILIES } from "./families/family-catalog.js";
import { DRAWS_PER_SPLIT, drawScenario } from "./families/family-draws.js";
import { runInProcess } from "./in-process.js";
import { loadScenarioDir } from "./scenario-library.js";

const DIR = fileURLToPath(new URL("../scenarios/", import.meta.url));

/**
 * Answer text integrity as a property of every eval answer: the committed scenarios and every
 * generated draw of every family, both splits, answered in process by the offline analyst. No
 * answer holds exponent notation, NaN, a placeholder, a negative zero, a percentage past 1000 %
 * or a repeated sentence; the short forms are as clean as the whole. The content of the answers
 * is scored by `npm run eval`; this checks only what no answer may contain.
 */
describe("every eval answer reads cleanly", () => {
  it("has no exponent, NaN, placeholder, negative zero, runaway percentage or repeated sentence", async () => {
    const entries = [
      ...loadScenarioDir(DIR).scenarios,
      ...FAMILIES.flatMap((family) =>
        (["dev", "test"] as const).flatMap((split) =>
          Array.from({ length: DRAWS_PER_SPLIT }, (_, i) => drawScenario(family, split, i + 1)),
        ),
      ),
    ];
    const problems: string[] = [];
    for (const entry of entries) {
      const { result } = await runInProcess(entry, SCENARIO_ANCHOR);
      const text = [result.answer_markdown, result.direct_answer, result.summary].join("\n\n");
      for (const defect of answerDefects(result.answer_markdown))
        problems.push(`${entry.scenario.id}: ${defect}`);
      for (const defect of answerDefects([result.direct_answer, result.summary].join("\n\n")))
        if (!defect.includes("repeated")) problems.push(`${entry.scenario.id} (short form): ${defect}`);
      expect(text.trim(), entry.scenario.id).not.toBe("");
    }
    expect(entries.length).toBeGreaterThan(FAMILIES.length * 2 * DRAWS_PER_SPLIT);
    expect(problems).toEqual([]);
  }, 600_000);
});
