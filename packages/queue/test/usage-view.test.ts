import { describe, expect, it } from "vitest";
import { EMPTY_USAGE, usageOfSteps, type StepDraft } from "@orch/core";
import { usageView } from "../src/index.js";

const llm = (extra: Partial<StepDraft>): StepDraft => ({
  kind: "llm",
  name: "llm.plan",
  started_at: "2024-06-10T06:00:00.000Z",
  duration_ms: 5,
  status: "ok",
  summary: "",
  ...extra,
});

describe("a job's cost", () => {
  it("adds the priced calls in dollars", () => {
    const counters = usageOfSteps([
      llm({ tokens: { prompt: 10, completion: 1 }, cost_usd: 0.000_035 }),
      llm({ tokens: { prompt: 20, completion: 2, cached_prompt: 5 }, cost_usd: 0.000_1 }),
    ]);
    const view = usageView({ ...EMPTY_USAGE, ...counters }, "openai:gpt-4o");
    expect(view.cost_usd).toBeCloseTo(0.000_135, 12);
    expect(view.cached_prompt_tokens).toBe(5);
    expect(view.cost_note).toBeUndefined();
  });

  it("says the cost is unknown, naming the model, when a call had no price", () => {
    const counters = usageOfSteps([llm({ tokens: { prompt: 10, completion: 1 } })]);
    const view = usageView({ ...EMPTY_USAGE, ...counters }, "openai:my-local-model");
    expect(view.cost_usd).toBeNull();
    expect(view.cost_note).toMatch(/no price for my-local-model/);
  });

  it("costs nothing when no model was called", () => {
    expect(usageView(EMPTY_USAGE, "offline").cost_usd).toBe(0);
  });
});
