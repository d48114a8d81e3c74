import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@orch/config";
import { startFakeOpenAI, type FakeOpenAI } from "@orch/testkit";
import { createReasoner, OfflineReasoner, OpenAIReasoner } from "../src/index.js";
import { answerInput, planInput, signal } from "./fixtures.js";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});

describe("createReasoner", () => {
  it("uses the offline reasoner when no OpenAI key is configured", () => {
    const reasoner = createReasoner(loadConfig({ env: {}, cwd: "/nonexistent" }));
    expect(reasoner).toBeInstanceOf(OfflineReasoner);
    expect(reasoner.id).toBe("offline");
  });

  it("uses the model behind OPENAI_BASE_URL when a key is configured", async () => {
    const config = loadConfig({
      env: { OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: fake.url },
      cwd: "/nonexistent",
      overrides: { llm: { model: "gpt-4o-mini" } },
    });
    const reasoner = createReasoner(config);
    expect(reasoner).toBeInstanceOf(OpenAIReasoner);
    expect(reasoner.id).toBe("openai:gpt-4o-mini");
    const { value: plan } = await reasoner.plan(planInput(), signal());
    expect(plan.source).toBe("llm");
    expect(fake.requests.at(-1)?.body.model).toBe("gpt-4o-mini");
  });

  it("can be forced offline even with a key", () => {
    const config = loadConfig({ env: { OPENAI_API_KEY: "k" }, cwd: "/nonexistent" });
    expect(createReasoner(config, { forceOffline: true }).id).toBe("offline");
  });
});

describe("OfflineReasoner", () => {
  it("plans deterministically and records one analysis step", async () => {
    const reasoner = new OfflineReasoner();
    const a = await reasoner.plan(planInput(), signal());
    const b = await reasoner.plan(planInput(), signal());
    expect(a.value).toEqual(b.value);
    expect(a.value.source).toBe("offline");
    expect(a.steps).toHaveLength(1);
    expect(a.steps[0]).toMatchObject({ kind: "analysis", name: "plan.offline", status: "ok" });
  });

  it("answers from the analysis with the templated answer and one analysis step", async () => {
    const { value: answer, steps } = await new OfflineReasoner().answer(answerInput(), signal());
    expect(answer.answer_markdown.length).toBeGreaterThan(0);
    expect(answer.confidence).toBeGreaterThan(0);
    expect(answer.confidence).toBeLessThanOrEqual(1);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ kind: "analysis", name: "answer.offline", status: "ok" });
  });

  it("refuses to start once the caller has aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(new OfflineReasoner().plan(planInput(), controller.signal)).rejects.toMatchObject({
      code: "cancelled",
    });
  });
});
