import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { groundedConfidence, usageOfSteps } from "@orch/core";
import { fakeReply, startFakeOpenAI, type FakeOpenAI } from "@orch/testkit";
import { ANSWER_JSON_SCHEMA } from "../src/index.js";
import { answerInput, goodAnswerReply, reasonerOn, signal } from "./fixtures.js";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

describe("OpenAIReasoner.answer", () => {
  it("answers from the findings with a confidence no higher than the data supports", async () => {
    fake.script(fakeReply.json(goodAnswerReply, { prompt_tokens: 2400, completion_tokens: 180 }));
    const input = answerInput();
    const grounded = groundedConfidence(input.analysis);
    const { value: answer, steps } = await reasonerOn(fake).answer(input, signal());

    expect(answer.answer_markdown).toContain("120/min");
    expect(answer.findings_used).toEqual(["f1", "f2"]);
    expect(answer.recommendations[0]).toBe("Roll back api-gateway v2.3.1");
    // The model said 0.99; the data caps it.
    expect(answer.confidence).toBeLessThan(0.99);
    expect(answer.confidence).toBeCloseTo(Math.min(0.98, grounded + 0.05), 2);
    expect(steps.map((s) => [s.kind, s.name, s.status])).toEqual([
      ["llm", "llm.answer", "ok"],
      ["analysis", "answer.grounding", "ok"],
    ]);
    expect(steps[0]?.tokens).toEqual({ prompt: 2400, completion: 180 });
    expect(steps[0]?.summary).toMatch(/^answer\.v2: context \d+\/3000 tokens/);

    const sent = fake.requests[0]?.body;
    expect(sent?.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "answer", strict: true, schema: ANSWER_JSON_SCHEMA },
    });
    const user = sent?.messages.at(-1)?.content ?? "";
    expect(user).toContain("Finding ids: f1, f2");
    expect(user).toContain("Missing data: none");
    expect(user).toContain("[f1] critical errors trace.http.request.errors");
    expect(user).toContain("## Points");
    expect(JSON.stringify(sent?.messages)).not.toMatch(/\{\{\w+\}\}/);
  });

  it("keeps the analysis' cause first when the model's answer leaves it out, and says so", async () => {
    const input = answerInput();
    const [errors, deploy] = input.analysis.findings;
    const chained = {
      ...input,
      question: "Why are 5xx errors up?",
      analysis: {
        ...input.analysis,
        findings: [
          { ...errors!, caused_by: ["f2"], cause_reason: "it began 2 min after the deploy" },
          { ...deploy!, explains: ["f1"] },
        ],
      },
    };
    fake.script(
      fakeReply.json({
        ...goodAnswerReply,
        answer_markdown: "Errors are up: 120/min.",
        findings_used: ["f1"],
      }),
    );
    const { value: answer, steps } = await reasonerOn(fake).answer(chained, signal());
    const user = fake.requests[0]?.body.messages.at(-1)?.content ?? "";
    expect(user).toContain("Causal chain (cause → effect: why): f2 → f1: it began 2 min after the deploy");
    expect(user).toMatch(/Direct answer \(from the analysis\): .*because of the deploy/);
    expect(answer.findings_used[0]).toBe("f2");
    expect(answer.answer_markdown).toMatch(/^.*because of the deploy[^\n]*\n\nErrors are up: 120\/min\./);
    expect(answer.direct_answer).toMatch(/because of the deploy/);
    expect(steps.find((s) => s.name === "answer.chain_check")?.summary).toMatch(/did not cite f2/);
  });

  it("keeps a model's lower confidence: the result is grounded, not a constant", async () => {
    fake.script(fakeReply.json({ ...goodAnswerReply, confidence: 0.4 }));
    const { value: answer } = await reasonerOn(fake).answer(answerInput(), signal());
    expect(answer.confidence).toBe(0.4);
  });

  it("drops finding ids that do not exist and lowers confidence for them", async () => {
    fake.script(fakeReply.json(goodAnswerReply));
    const honest = (await reasonerOn(fake).answer(answerInput(), signal())).value.confidence;
    fake.script(fakeReply.json({ ...goodAnswerReply, findings_used: ["f1", "f2", "f9", "f404"] }));
    const { value: answer, steps } = await reasonerOn(fake).answer(answerInput(), signal());

    expect(answer.findings_used).toEqual(["f1", "f2"]);
    expect(answer.confidence).toBeCloseTo(honest - 0.2, 2);
    expect(steps.at(-1)?.summary).toContain("dropped unknown finding id(s) f9, f404");
  });

  it("lowers confidence when grounding shows missing data", async () => {
    fake.script(fakeReply.json(goodAnswerReply), fakeReply.json(goodAnswerReply));
    const complete = (await reasonerOn(fake).answer(answerInput(), signal())).value.confidence;
    const partial = answerInput();
    const degraded = answerInput({
      analysis: {
        ...partial.analysis,
        coverage: 0.5,
        missing: ["metrics system.cpu.user: timeout", "logs: HTTP 500"],
      },
    });
    const { value: answer } = await reasonerOn(fake).answer(degraded, signal());
    expect(answer.confidence).toBeLessThan(complete);
    expect(fake.requests[1]?.body.messages.at(-1)?.content).toContain(
      "Missing data: metrics system.cpu.user: timeout; logs: HTTP 500",
    );
  });

  it("repairs an answer that is not JSON", async () => {
    fake.script(fakeReply.invalidJson(), fakeReply.json(goodAnswerReply));
    const { value: answer, steps } = await reasonerOn(fake).answer(answerInput(), signal());
    expect(answer.findings_used).toEqual(["f1", "f2"]);
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ["llm.answer", "error"],
      ["llm.answer.repair", "ok"],
      ["answer.grounding", "ok"],
    ]);
  });

  it("repairs an answer that breaks the schema (confidence out of range)", async () => {
    fake.script(fakeReply.json({ ...goodAnswerReply, confidence: 7 }), fakeReply.json(goodAnswerReply));
    const { steps } = await reasonerOn(fake).answer(answerInput(), signal());
    expect(steps[0]?.error).toContain("confidence");
    expect(fake.requests[1]?.body.messages.at(-1)?.content).toContain("confidence");
  });

  it("falls back to the offline answer when the model refuses, and says why", async () => {
    fake.script(fakeReply.refusal());
    const { value: answer, steps } = await reasonerOn(fake).answer(answerInput(), signal());
    expect(answer.answer_markdown.length).toBeGreaterThan(0);
    expect(steps.map((s) => [s.kind, s.name])).toEqual([
      ["llm", "llm.answer"],
      ["analysis", "answer.fallback"],
    ]);
    expect(steps[1]?.summary).toContain("the model refused");
  });

  it("falls back to the offline answer after a failed repair", async () => {
    fake.script(fakeReply.invalidJson(), fakeReply.invalidJson());
    const { value: answer, steps } = await reasonerOn(fake).answer(answerInput(), signal());
    expect(answer.confidence).toBeLessThanOrEqual(1);
    expect(steps.at(-1)?.name).toBe("answer.fallback");
    expect(fake.requests).toHaveLength(2);
  });

  it("works end to end with the fake's default reply", async () => {
    const { value: answer } = await reasonerOn(fake).answer(answerInput(), signal());
    expect(answer.findings_used).toEqual(["f1", "f2"]);
    expect(answer.answer_markdown).toContain("fake model");
  });

  it("sums tokens over plan and answer steps", async () => {
    fake.script(
      fakeReply.invalidJson(),
      fakeReply.json(goodAnswerReply, { prompt_tokens: 3000, completion_tokens: 200 }),
    );
    const { steps } = await reasonerOn(fake).answer(answerInput(), signal());
    const llm = steps.filter((s) => s.kind === "llm");
    expect(llm).toHaveLength(2);
    expect(llm.every((s) => s.tokens !== undefined && s.tokens.prompt > 0)).toBe(true);
    const usage = usageOfSteps(steps);
    expect(usage.llm_calls).toBe(2);
    expect(usage.prompt_tokens).toBe((llm[0]?.tokens?.prompt ?? 0) + 3000);
    expect(usage.completion_tokens).toBe((llm[0]?.tokens?.completion ?? 0) + 200);
  });

  it("falls back to the offline answer when the model is slower than its share of the job's remaining time", async () => {
    fake.script(fakeReply.slow(10_000));

    const { value: answer, steps } = await reasonerOn(fake).answer(
      { ...answerInput(), deadline_ms: Date.now() + 1_000 },
      signal(),
    );

    expect(answer.answer_markdown.length).toBeGreaterThan(0);
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ["llm.answer", "error"],
      ["answer.fallback", "ok"],
    ]);
    expect(steps[1]?.summary).toContain(
      "offline answer used because the model did not answer within its time budget",
    );
  });
});
