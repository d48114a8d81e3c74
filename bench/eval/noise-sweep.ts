import { SCENARIO_ANCHOR } from "@orch/core";
import { TARGETS } from "./eval-totals.js";
import { runInProcess } from "./in-process.js";
import type { ScenarioFile } from "./scenario-library.js";
import { expectedCategories, scoreScenario, type ScenarioScore } from "./score-scenario.js";

/** How one scenario fared over many noise realizations. */
export interface SweepResult {
  readonly id: string;
  readonly runs: number;
  /** Runs with every expected finding matched, no false positive and nothing forbidden. */
  readonly clean: number;
  readonly expected: number;
  readonly matched: number;
  readonly false_positives: number;
  readonly forbidden: number;
  /** The most frequent problems, "missed …" or "false positive …", with how many runs had them. */
  readonly problems: ReadonlyArray<readonly [string, number]>;
}

/** Anchors a few hours and minutes apart: each gives the scenario a different noise draw (the cycle stays pinned). */
export function sweepAnchors(count: number): number[] {
  return Array.from(
    { length: count },
    (_, i) => SCENARIO_ANCHOR + i * 86_400_000 + ((i * 7_919) % 3_600) * 1000,
  );
}

/** Scores one scenario run in process at `anchor` (see runInProcess). */
export async function scoreInProcess(entry: ScenarioFile, anchor: number): Promise<ScenarioScore> {
  const run = await runInProcess(entry, anchor);
  const { start, end } = run.plan.window;
  return scoreScenario({
    scenario: entry.scenario,
    anchor,
    findings: run.result.findings,
    window: { start, end },
    answer: run.result.answer_markdown,
  });
}

/** Scores every scenario at `count` anchors and tallies the problems. */
export async function noiseSweep(entries: readonly ScenarioFile[], count: number): Promise<SweepResult[]> {
  const anchors = sweepAnchors(count);
  const results: SweepResult[] = [];
  for (const entry of entries) {
    const problems = new Map<string, number>();
    let clean = 0;
    let matched = 0;
    let falsePositives = 0;
    let forbidden = 0;
    for (const anchor of anchors) {
      const score = await scoreInProcess(entry, anchor);
      matched += score.matched;
      falsePositives += score.false_positives.length;
      forbidden += score.forbidden.length;
      const seen = new Set([
        ...score.outcomes
          .filter((o) => o.matched === undefined)
          .map(
            (o) =>
              `missed ${expectedCategories(o.expected).join("|")} ${o.expected.metric ?? "*"}${o.timing === "miss" ? " (late/early)" : ""}`,
          ),
        ...score.false_positives.map((f) => `false positive ${f.replace(/^F\d+ /, "")}`),
      ]);
      if (seen.size === 0) clean++;
      for (const p of seen) problems.set(p, (problems.get(p) ?? 0) + 1);
    }
    results.push({
      id: entry.scenario.id,
      runs: anchors.length,
      clean,
      expected: entry.scenario.expected.findings.length * anchors.length,
      matched,
      false_positives: falsePositives,
      forbidden,
      problems: [...problems.entries()].sort((a, b) => b[1] - a[1]),
    });
  }
  return results;
}

/** The sweep as a table, with micro-averaged totals; `ok` when they meet the targets. */
export function formatSweep(results: readonly SweepResult[]): { text: string; ok: boolean } {
  const expected = results.reduce((a, r) => a + r.expected, 0);
  const matched = results.reduce((a, r) => a + r.matched, 0);
  const falsePositives = results.reduce((a, r) => a + r.false_positives, 0);
  const forbidden = results.reduce((a, r) => a + r.forbidden, 0);
  const recall = expected > 0 ? matched / expected : 1;
  const precision = matched + falsePositives > 0 ? matched / (matched + falsePositives) : 1;
  const width = Math.max(8, ...results.map((r) => r.id.length));
  const lines = results.map(
    (r) =>
      `${r.id.padEnd(width)}  clean ${String(r.clean).padStart(3)}/${r.runs}` +
      (r.problems.length > 0 ? `  ${r.problems.map(([p, n]) => `${p} (${n}x)`).join("; ")}` : ""),
  );
  lines.push(
    "",
    `noise sweep: recall ${recall.toFixed(3)} (${matched}/${expected}), precision ${precision.toFixed(3)} ` +
      `(${falsePositives} false positive(s)), forbidden ${forbidden}`,
  );
  const ok = recall >= TARGETS.recall && precision >= TARGETS.precision && forbidden <= TARGETS.forbidden;
  return { text: lines.join("\n"), ok };
}
