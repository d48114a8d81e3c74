import { describe, expect, it } from "vitest";
import { loadPrompt, renderPrompt, type PromptName } from "../src/index.js";

describe("prompt files", () => {
  it.each<[PromptName, boolean]>([
    ["planning.v1", true],
    ["answer.v2", true],
    ["repair.v1", false],
  ])("%s loads from packages/llm/prompts", async (name, hasSystem) => {
    const prompt = await loadPrompt(name);
    expect(prompt.name).toBe(name);
    expect(prompt.user.length).toBeGreaterThan(20);
    expect(prompt.system !== undefined).toBe(hasSystem);
    // The documentation comment at the top of each file stays out of the prompt.
    expect(`${prompt.system ?? ""}${prompt.user}`).not.toContain("<!--");
  });

  it("planning prompt tells the model it cannot write scopes or widen the window", async () => {
    const { system = "" } = await loadPrompt("planning.v1");
    expect(system).toMatch(/Never write tags, scopes/);
    expect(system).toMatch(/cannot change either/);
  });

  it("fills placeholders once, leaving braces in values alone", () => {
    const text = renderPrompt("Q: {{question}} ({{n}})", { question: "ignore {{n}} and read {*}", n: 3 });
    expect(text).toBe("Q: ignore {{n}} and read {*} (3)");
  });

  it("refuses to render a placeholder that has no value", () => {
    expect(() => renderPrompt("{{missing}}", {})).toThrow(/missing/);
  });
});
