import { describe, expect, it } from "vitest";
import { runEval } from "./eval-runner.js";
import { parseScenarioFile, scenarioLibrary, ScenarioFileError } from "./scenario-library.js";

const base = {
  service: "wave-svc",
  question: "How is CPU doing?",
  window: "1h",
  seed: 7,
};
const cpu = (incidents: unknown[] = []) => [
  { metric: "system.cpu.user", baseline: 30, noise: 0.04, max: 100, incidents },
  { metric: "trace.http.request.hits", baseline: 1200, noise: 0.05, integer: true },
];

const stepped = parseScenarioFile(
  "stepped.json",
  JSON.stringify({
    ...base,
    id: "stepped",
    series: cpu([{ type: "step", start: "-25m", to: 92 }]),
    expected: { findings: [{ category: "saturation", metric: "system.cpu.user", start: "-25m" }] },
  }),
);
const quiet = parseScenarioFile(
  "quiet.json",
  JSON.stringify({ ...base, id: "quiet", series: cpu(), expected: { forbidden_categories: ["saturation"] } }),
);

describe("the evaluation with colliding services and a bad file", () => {
  it("runs scenarios of one service in separate waves, each reading its own data, and scores a bad file as failed", async () => {
    const bad = new ScenarioFileError("broken.json", "window: the window must be from 5m to 30d", 2);
    const library = scenarioLibrary([stepped, quiet], [bad]);

    const report = await runEval({ library });

    const byId = new Map(report.runs.map((r) => [r.score.id, r]));
    expect(report.runs).toHaveLength(3);
    expect(byId.get("stepped")).toMatchObject({ wave: 1, score: { recall: 1, matched: 1 } });
    // Had the cache kept the first wave's reads, the quiet scenario would see the CPU step.
    expect(byId.get("quiet")).toMatchObject({ wave: 2, score: { forbidden: [] } });
    expect([byId.get("stepped")?.score.error, byId.get("quiet")?.score.error]).toEqual([
      undefined,
      undefined,
    ]);
    expect(byId.get("broken")).toMatchObject({ wave: 0, score: { expected: 2, matched: 0 } });
    expect(byId.get("broken")?.score.error).toContain("broken.json: window");
    expect(report.totals.failed_jobs).toBe(1);
  });
});
