import { describe, expect, it } from "vitest";
import { analyzeEvidence } from "../analysis/analyze-evidence.js";
import { scenarioEvidence } from "../analysis/scenario-evidence.js";
import { webSeries } from "../analysis/scenario-sweep.js";
import type { Intent } from "../plan.js";
import type { ScenarioInput } from "../scenario/scenario-schema.js";
import { composeOfflineAnswer } from "./compose-offline-answer.js";
import { groundedConfidence } from "./grounded-confidence.js";

function answerFor(
  input: Omit<ScenarioInput, "id" | "question">,
  options: { intent?: Intent; fail?: string[] } = {},
) {
  const { evidence, plan, scenario } = scenarioEvidence(
    { id: "answer", question: "Investigate recent 5xx errors", ...input },
    options,
  );
  const analysis = analyzeEvidence({ evidence, plan });
  const answer = composeOfflineAnswer({
    question: scenario.question,
    scope: { service_id: scenario.service, tags: [`service:${scenario.service}`] },
    plan,
    evidence,
    analysis,
    history: [],
  });
  return { answer, analysis };
}

const deployIncident = {
  service: "api-gateway",
  window: "24h",
  seed: 11,
  series: webSeries(0.06, 0.3, 15).map((s) =>
    s.metric === "trace.http.request.errors"
      ? { ...s, incidents: [{ type: "burst" as const, start: "-35m", end: "0", factor: 40 }] }
      : s,
  ),
  events: [{ title: "Deployed api-gateway v2.14.0", at: "-37m", type: "deploy" as const }],
};

describe("composeOfflineAnswer", () => {
  it("says it was produced offline and names the service, window and data source", () => {
    const { answer } = answerFor(deployIncident, { intent: "errors" });
    expect(answer.answer_markdown).toMatch(/offline analyst/i);
    expect(answer.answer_markdown).toMatch(/no language model/i);
    expect(answer.answer_markdown).toContain("`api-gateway`");
    expect(answer.answer_markdown).toContain("last 24h");
    expect(answer.answer_markdown).toContain("`demo`");
  });

  it("lists the ranked findings with severity, metric, time and numbers, and cites them", () => {
    const { answer, analysis } = answerFor(deployIncident, { intent: "errors" });
    const errors = analysis.findings.find((f) => f.metric === "trace.http.request.errors");
    expect(errors).toBeDefined();
    const line = answer.answer_markdown
      .split("\n")
      .find((l) => l.includes(`${errors?.id} · critical · errors`));
    expect(line).toMatch(/trace\.http\.request\.errors/);
    expect(line).toMatch(/since \d\d:\d\d UTC/);
    expect(line).toMatch(/→ \d+(\.\d+)? \(\+\d+%\)/);
    expect(answer.findings_used).toContain(errors?.id);
    expect(answer.findings_used.every((id) => analysis.findings.some((f) => f.id === id))).toBe(true);
  });

  it("recommends rolling back the deploy that preceded an error burst", () => {
    const { answer } = answerFor(deployIncident, { intent: "errors" });
    expect(answer.recommendations[0]).toMatch(/^Roll back "Deployed api-gateway v2\.14\.0"/);
    expect(answer.answer_markdown).toContain("### Recommendations");
  });

  it("shows a table of the key series", () => {
    const { answer } = answerFor(deployIncident, { intent: "errors" });
    expect(answer.answer_markdown).toContain("| series | current | mean | max | p95 | change |");
    expect(answer.answer_markdown).toMatch(/\| `trace\.http\.request\.errors` \|/);
  });

  it("has a missing-data section and lower confidence when a read failed", () => {
    const healthy = { service: "web-app", window: "1h", seed: 4, series: webSeries(0.06, 0.3, 15) };
    const full = answerFor(healthy);
    const partial = answerFor(healthy, { fail: ["trace.http.request.duration.by.service.95p"] });
    expect(full.answer.answer_markdown).not.toContain("### Missing data");
    expect(partial.answer.answer_markdown).toContain("### Missing data");
    expect(partial.answer.answer_markdown).toContain(
      "metrics trace.http.request.duration.by.service.95p: timeout",
    );
    expect(partial.answer.confidence).toBeLessThan(full.answer.confidence);
    expect(partial.answer.confidence).toBe(groundedConfidence(partial.analysis));
  });

  it("says clearly when nothing is wrong, with the evidence for it", () => {
    const { answer, analysis } = answerFor(
      { service: "web-app", window: "24h", seed: 8, series: webSeries(0.06, 0.35, 15) },
      { intent: "health" },
    );
    expect(analysis.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(answer.answer_markdown).toContain("## web-app: no problems found");
    expect(answer.answer_markdown).toContain("### Why this looks healthy");
    expect(answer.answer_markdown).toMatch(/`system\.cpu\.user`: mean [\d.]+%/);
    expect(answer.answer_markdown).toContain("no deploys in the window");
    expect(answer.recommendations).toEqual(["No action needed now; keep the existing monitors in place."]);
    expect(answer.confidence).toBeGreaterThan(0.7);
  });

  it("advises on a memory leak with its projected exhaustion", () => {
    const series = webSeries(0.06, 0.3, 15).map((s) =>
      s.metric === "system.mem.pct_usable"
        ? { ...s, incidents: [{ type: "leak" as const, start: "-10h", to: 0.08 }] }
        : s,
    );
    const { answer } = answerFor(
      { service: "payments", window: "24h", seed: 5, series },
      { intent: "capacity" },
    );
    const advice = answer.recommendations.find((r) => r.startsWith("Memory leak"));
    expect(advice).toMatch(/heap dump/);
    expect(advice).toMatch(/before exhaustion in ~\d/);
  });

  it("advises scaling out a saturated CPU with a number", () => {
    const series = webSeries(0.06, 0.3, 15).map((s) =>
      s.metric === "system.cpu.user"
        ? { ...s, incidents: [{ type: "ramp" as const, start: "-40m", end: "-10m", to: 95 }] }
        : s,
    );
    const { answer } = answerFor(
      { service: "web-app", window: "24h", seed: 7, series },
      { intent: "performance" },
    );
    expect(answer.recommendations.find((r) => r.startsWith("Scale out"))).toMatch(
      /CPU reached \d+% — add about \d+% more capacity/,
    );
  });

  it("does not call a service healthy when no metric returned data", () => {
    const { answer } = answerFor(
      { service: "web-app", window: "1h", seed: 4, series: webSeries(0.06, 0.3, 15) },
      { fail: webSeries(0.06, 0.3, 15).map((s) => s.metric) },
    );
    expect(answer.answer_markdown).toContain("## web-app: not enough data to judge");
    expect(answer.answer_markdown).not.toContain("no problems found");
    expect(answer.confidence).toBeLessThan(0.4);
  });
});
