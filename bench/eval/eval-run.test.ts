import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runEval } from "./eval-runner.js";
import { formatReport } from "./eval-table.js";
import { TARGETS } from "./eval-totals.js";
import { familyNamed } from "./families/family-catalog.js";
import { drawScenario } from "./families/family-draws.js";
import { loadScenarioDir, scenarioLibrary } from "./scenario-library.js";

const DIR = fileURLToPath(new URL("../scenarios/", import.meta.url));

/** A few generated dev draws that use what the committed set does not: a window left to the planner, absolute times, running totals. */
function generatedDraws() {
  const family = (name: string) => {
    const f = familyNamed(name);
    if (!f) throw new Error(name);
    return f;
  };
  const outage = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    .map((i) => drawScenario(family("recovered-outage"), "dev", i))
    .find((f) => f.scenario.timeframe === null);
  if (!outage) throw new Error("no recovered-outage dev draw asks by absolute time");
  return [
    outage,
    drawScenario(family("counter-reset"), "dev", 1),
    drawScenario(family("cache-full"), "dev", 2),
  ];
}

describe("the scenario evaluation, end to end", () => {
  it("finds the committed incidents through the API, the queue, the workers and the Datadog client", async () => {
    const committed = loadScenarioDir(DIR);
    const generated = generatedDraws();
    const report = await runEval({ library: scenarioLibrary([...committed.scenarios, ...generated]) });
    console.log(formatReport(report));

    expect(report.totals.failed_jobs).toBe(0);
    expect(report.runs).toHaveLength(committed.scenarios.length + generated.length);
    expect(report.datadog_requests).toBeGreaterThan(committed.scenarios.length * 3);
    const totals = report.families.committed;
    expect(totals?.recall).toBeGreaterThanOrEqual(TARGETS.recall);
    expect(totals?.precision).toBeGreaterThanOrEqual(TARGETS.precision);
    expect(totals?.forbidden).toBe(0);
    expect(totals?.meets_targets).toBe(true);
    // Every job's answer, window and plan (read from its trace) are in the report.
    for (const run of report.runs) {
      expect(run.answer, run.score.id).toBeTruthy();
      expect(run.window, run.score.id).toBeDefined();
      expect(run.plan?.reads.length, run.score.id).toBeGreaterThan(0);
    }
    expect(report.totals.answers.answers).toBe(report.runs.length);
    expect(report.runs.flatMap((r) => r.score.text_defects ?? [])).toEqual([]);
    // The generated draws' checks were made: the window the planner chose for an absolute-time question, the answer's text.
    const outage = report.runs.find((r) => r.score.id === generated[0]?.scenario.id);
    expect(outage?.question).toMatch(/\d\d:\d\d/);
    expect(outage?.score.checks.filter((c) => c.kind === "window")).toHaveLength(2);
    expect(report.families["cache-full"]?.answer.checked).toBeGreaterThan(0);
  });
});
