import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runEval } from "./eval-runner.js";
import { formatReport } from "./eval-table.js";
import { TARGETS } from "./eval-totals.js";
import { loadScenarioDir } from "./scenario-library.js";

const DIR = fileURLToPath(new URL("../scenarios/", import.meta.url));

describe("the scenario evaluation, end to end", () => {
  it("finds the committed incidents through the API, the queue, the workers and the Datadog client", async () => {
    const library = loadScenarioDir(DIR);
    const report = await runEval({ library });
    console.log(formatReport(report));

    expect(report.totals.failed_jobs).toBe(0);
    expect(report.runs).toHaveLength(library.scenarios.length);
    expect(report.datadog_requests).toBeGreaterThan(library.scenarios.length * 3);
    expect(report.totals.recall).toBeGreaterThanOrEqual(TARGETS.recall);
    expect(report.totals.precision).toBeGreaterThanOrEqual(TARGETS.precision);
    expect(report.totals.forbidden).toBe(0);
    expect(report.totals.meets_targets).toBe(true);
  });
});
