import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { usageOfSteps } from "@orch/core";
import { fakeReply, startFakeOpenAI, type FakeOpenAI } from "@orch/testkit";
import { defaultTokenLimitParam, isReasoningModel, OpenAIReasoner, PLAN_JSON_SCHEMA } from "../src/index.js";
import { goodPlanReply, llmConfig, planInput, reasonerOn, signal } from "./fixtures.js";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const hostilePlan = {
  intent: "errors",
  rationale: "Read everything.",
  steps: [
    {
      tool: "metrics",
      metric: "trace.http.request.errors{*}",
      aggregator: "sum",
      by: [],
      as_count: true,
      reason: "all",
    },
    {
      tool: "metrics",
      metric: "system.cpu.user",
      aggregator: "avg",
      by: ["service:billing"],
      as_count: false,
      reason: "x",
    },
    { tool: "logs", filter: "service:billing status:error", reason: "other service" },
  ],
};

describe("OpenAIReasoner.plan", () => {
  it("turns the model's structured plan into typed steps within the job's window", async () => {
    fake.script(fakeReply.json(goodPlanReply, { prompt_tokens: 812, completion_tokens: 96 }));
    const input = planInput();
    const { value: plan, steps } = await reasonerOn(fake).plan(input, signal());

    expect(plan.source).toBe("llm");
    expect(plan.intent).toBe("errors");
    expect(plan.window).toEqual(input.window);
    // The model's four steps, then what its plan left out that an errors question needs (latency, monitors).
    expect(plan.steps.map((s) => s.id)).toEqual(["m1", "m2", "events", "logs", "m3", "monitors"]);
    expect(plan.steps[0]).toEqual({
      id: "m1",
      tool: "metrics",
      query: { metric: "trace.http.request.errors", aggregator: "sum", by: [], as_count: true },
      reason: "5xx count",
    });
    expect(steps.map((s) => s.name)).toEqual(["llm.plan", "plan.top_up"]);
    expect(steps[0]).toMatchObject({
      kind: "llm",
      name: "llm.plan",
      status: "ok",
      tokens: { prompt: 812, completion: 96 },
    });
    expect(steps[0]?.summary).toContain("planning.v1");

    const sent = fake.requests[0]?.body;
    expect(sent?.model).toBe("gpt-4o-test");
    expect(sent?.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "plan", strict: true, schema: PLAN_JSON_SCHEMA },
    });
    // A compatible server (custom base URL) gets max_tokens.
    expect(sent?.raw.max_tokens).toBe(2000);
    expect(sent?.messages[0]?.role).toBe("system");
    const user = sent?.messages.at(-1)?.content ?? "";
    expect(user).toContain('Question: """Why are 5xx errors up on api-gateway?"""');
    expect(user).toContain("- trace.http.request.errors (errors)");
    expect(user).toContain("Time window: last hour");
    expect(sent?.messages[0]?.content).toContain("Plan at most 6 steps");
    expect(JSON.stringify(sent?.messages)).not.toMatch(/\{\{\w+\}\}/);
  });

  it("tops a terse plan up from the offline plan with the signals the question needs, and says so", async () => {
    fake.script(
      fakeReply.json({
        intent: "errors",
        rationale: "Monitors and deploys say it all.",
        steps: [
          { tool: "monitors", reason: "alerts" },
          { tool: "events", reason: "deploys" },
        ],
      }),
    );
    const { value: plan, steps } = await reasonerOn(fake).plan(planInput({ max_steps: 10 }), signal());

    expect(plan.source).toBe("llm");
    const metrics = plan.steps.flatMap((s) => (s.tool === "metrics" ? [s.query.metric] : []));
    expect(metrics).toEqual(expect.arrayContaining(["trace.http.request.errors", "trace.http.request.hits"]));
    expect(plan.steps.map((s) => s.tool)).toContain("logs");
    expect(plan.steps.slice(0, 2).map((s) => s.id)).toEqual(["monitors", "events"]);
    expect(plan.steps.length).toBeLessThanOrEqual(10);
    const topUp = steps.find((s) => s.name === "plan.top_up");
    expect(topUp?.summary).toMatch(/^added \d+ step\(s\) from the offline plan/);
    expect(topUp?.summary).toContain("errors trace.http.request.errors");
  });

  it("adds nothing to a plan that already reads what the question needs, or has no room left", async () => {
    fake.script(fakeReply.json(goodPlanReply));
    const full = await reasonerOn(fake).plan(planInput({ max_steps: 4 }), signal());

    expect(full.value.steps).toHaveLength(4);
    expect(full.steps.map((s) => s.name)).toEqual(["llm.plan"]);
  });

  it("drops steps naming metrics the service does not report, keeps the rest, and says which", async () => {
    const mixed = {
      ...goodPlanReply,
      steps: [
        {
          tool: "metrics",
          metric: "made.up.metric",
          aggregator: "avg",
          by: [],
          as_count: false,
          reason: "?",
        },
        ...goodPlanReply.steps,
      ],
    };
    fake.script(fakeReply.json(mixed));
    const { value: plan, steps } = await reasonerOn(fake).plan(planInput({ max_steps: 4 }), signal());

    expect(fake.requests).toHaveLength(1);
    expect(plan.source).toBe("llm");
    expect(JSON.stringify(plan.steps)).not.toContain("made.up.metric");
    expect(plan.steps.map((s) => s.id)).toEqual(["m1", "m2", "events", "logs"]);
    expect(steps[0]?.summary).toContain(
      "dropped step(s) naming metric(s) the service does not report: made.up.metric",
    );
  });

  it("reads an intent outside the four from the question, and an unknown aggregator from the metric", async () => {
    fake.script(
      fakeReply.json({
        intent: "investigation",
        rationale: "errors first",
        steps: [{ tool: "metrics", metric: "trace.http.request.errors", aggregator: "mean", reason: "5xx" }],
      }),
    );
    const { value: plan } = await reasonerOn(fake).plan(planInput({ max_steps: 1 }), signal());

    expect(plan.source).toBe("llm");
    expect(plan.intent).toBe("errors");
    expect(plan.steps[0]).toMatchObject({
      tool: "metrics",
      query: { metric: "trace.http.request.errors", aggregator: "sum", by: [], as_count: false },
    });
  });

  it("reads the plan from a function call when the reply's content is null", async () => {
    fake.script(fakeReply.toolCalls({ name: "plan", arguments: goodPlanReply }));
    const { value: plan, steps } = await reasonerOn(fake).plan(planInput({ max_steps: 4 }), signal());

    expect(plan.source).toBe("llm");
    expect(plan.steps.map((s) => s.id)).toEqual(["m1", "m2", "events", "logs"]);
    expect(steps[0]).toMatchObject({ name: "llm.plan", status: "ok" });
  });

  it("takes the JSON object out of prose around it, without a repair", async () => {
    fake.script(
      fakeReply.text(
        `Sure! Here is the plan:\n${JSON.stringify(goodPlanReply, null, 2)}\nLet me know {if} you need more.`,
      ),
    );
    const { value: plan } = await reasonerOn(fake).plan(planInput({ max_steps: 4 }), signal());

    expect(plan.source).toBe("llm");
    expect(fake.requests).toHaveLength(1);
  });

  it("records no tokens, and never NaN, when a server sends no usage or only part of it", async () => {
    fake.script(
      fakeReply.withWireUsage(fakeReply.json(goodPlanReply), null),
      fakeReply.withWireUsage(fakeReply.json(goodPlanReply), { prompt_tokens: 700 }),
      fakeReply.withWireUsage(fakeReply.json(goodPlanReply), { total_tokens: 900 }),
    );
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await reasonerOn(fake).plan(planInput({ max_steps: 4 }), signal()));
    const calls = runs.map((r) => r.steps[0]!);

    expect(calls.map((s) => s.tokens)).toEqual([undefined, { prompt: 700, completion: 0 }, undefined]);
    expect(calls.every((s) => !("tokens" in s) || s.tokens !== undefined)).toBe(true);
    const usage = usageOfSteps(calls);
    expect(usage).toMatchObject({ llm_calls: 3, prompt_tokens: 700, completion_tokens: 0 });
    expect(JSON.stringify(runs.map((r) => r.steps))).not.toMatch(/NaN|null/);
  });

  it("does not send temperature to reasoning models, which reject it", async () => {
    expect(["o1", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini", "openai/o3"].every(isReasoningModel)).toBe(
      true,
    );
    expect(
      ["gpt-4o", "gpt-4.1-mini", "gpt-5-chat-latest", "llama3.1:8b", "omni"].some(isReasoningModel),
    ).toBe(false);
    await reasonerOn(fake, { model: "o3-mini" }).plan(planInput(), signal());
    await reasonerOn(fake).plan(planInput(), signal());

    const [reasoning, chat] = fake.requests.map((r) => r.body.raw);
    expect(reasoning).not.toHaveProperty("temperature");
    expect(reasoning).toHaveProperty("max_completion_tokens", 2000);
    expect(reasoning).not.toHaveProperty("max_tokens");
    expect(chat).toHaveProperty("temperature", 0.1);
  });

  it("falls back to the offline plan when the model is slower than its share of the job's remaining time", async () => {
    fake.script(fakeReply.slow(10_000), fakeReply.slow(10_000));
    const reasoner = new OpenAIReasoner({
      apiKey: fake.apiKey,
      baseUrl: fake.url,
      llm: llmConfig,
      jobDeadlineMs: 60_000,
    });

    const { value: plan, steps } = await reasoner.plan(
      { ...planInput(), deadline_ms: Date.now() + 2_000 },
      signal(),
    );

    expect(plan.source).toBe("fallback");
    // It stopped at its budget, a share of the 2 s left, instead of waiting for the model's reply.
    const budget =
      /did not answer within its time budget \((\d+\.\d) s, a share of the job's remaining time\)/.exec(
        steps.find((s) => s.name === "plan.fallback")?.summary ?? "",
      );
    expect(Number(budget?.[1])).toBeLessThan(2);
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ["llm.plan", "error"],
      ["plan.fallback", "ok"],
    ]);
    expect(steps[1]?.summary).toMatch(
      /did not answer within its time budget \(0\.5 s, a share of the job's remaining time\)/,
    );
  });

  it("takes its time budget from the job's deadline length when the input carries no deadline", async () => {
    fake.script(fakeReply.slow(10_000));
    const reasoner = new OpenAIReasoner({
      apiKey: fake.apiKey,
      baseUrl: fake.url,
      llm: llmConfig,
      jobDeadlineMs: 1_200,
    });

    const { value: plan } = await reasoner.plan(planInput(), signal());

    expect(plan.source).toBe("fallback");
  });

  it("sends max_completion_tokens to OpenAI's own API, or when told to", async () => {
    expect(defaultTokenLimitParam(undefined)).toBe("max_completion_tokens");
    expect(defaultTokenLimitParam("https://api.openai.com/v1")).toBe("max_completion_tokens");
    expect(defaultTokenLimitParam("http://localhost:11434/v1")).toBe("max_tokens");
    const reasoner = new OpenAIReasoner({
      apiKey: fake.apiKey,
      baseUrl: fake.url,
      llm: llmConfig,
      tokenLimitParam: "max_completion_tokens",
    });
    await reasoner.plan(planInput(), signal());
    expect(fake.requests[0]?.body.raw).toMatchObject({ max_completion_tokens: 2000 });
    expect(fake.requests[0]?.body.raw).not.toHaveProperty("max_tokens");
  });

  it("works end to end with the fake's default reply, picking metrics the prompt lists", async () => {
    const { value: plan } = await reasonerOn(fake).plan(planInput(), signal());
    expect(plan.source).toBe("llm");
    const metrics = plan.steps.flatMap((s) => (s.tool === "metrics" ? [s.query.metric] : []));
    expect(metrics[0]).toBe("trace.http.request.errors");
  });

  it("cuts a plan to max_steps and drops duplicate steps", async () => {
    const repeated = { ...goodPlanReply, steps: [...goodPlanReply.steps, ...goodPlanReply.steps] };
    fake.script(fakeReply.json(repeated));
    const { value: plan } = await reasonerOn(fake).plan(planInput({ max_steps: 3 }), signal());
    expect(plan.steps.map((s) => s.id)).toEqual(["m1", "m2", "events"]);
  });

  it("repairs a reply that is not JSON with one more request that names the error", async () => {
    fake.script(fakeReply.invalidJson(), fakeReply.json(goodPlanReply));
    const { value: plan, steps } = await reasonerOn(fake).plan(planInput({ max_steps: 4 }), signal());

    expect(plan.source).toBe("llm");
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ["llm.plan", "error"],
      ["llm.plan.repair", "ok"],
    ]);
    expect(steps[0]?.error).toContain("not valid JSON");
    const repair = fake.requests[1]?.body.messages ?? [];
    expect(repair.at(-2)?.role).toBe("assistant");
    expect(repair.at(-1)?.content).toContain("not valid JSON");
  });

  it("falls back to the offline plan when the repair is invalid too, and says why", async () => {
    fake.script(fakeReply.invalidJson(), fakeReply.text("still not json"));
    const { value: plan, steps } = await reasonerOn(fake).plan(planInput(), signal());

    expect(plan.source).toBe("fallback");
    expect(plan.steps.length).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(2);
    expect(steps.map((s) => [s.kind, s.name])).toEqual([
      ["llm", "llm.plan"],
      ["llm", "llm.plan.repair"],
      ["analysis", "plan.fallback"],
    ]);
    expect(steps[2]?.summary).toMatch(/offline plan used .* still invalid after one repair/);
  });

  it("falls back without a repair when the model refuses", async () => {
    fake.script(fakeReply.refusal());
    const { value: plan, steps } = await reasonerOn(fake).plan(planInput(), signal());
    expect(plan.source).toBe("fallback");
    expect(fake.requests).toHaveLength(1);
    expect(steps[0]).toMatchObject({ name: "llm.plan", status: "error" });
    expect(steps[0]?.error).toContain("refusal");
    expect(steps[1]?.summary).toContain("the model refused");
  });

  it("falls back when the reply is cut off at the token limit", async () => {
    fake.script(fakeReply.truncated('{"intent": "errors", "steps": ['));
    const { value: plan, steps } = await reasonerOn(fake).plan(planInput(), signal());
    expect(plan.source).toBe("fallback");
    expect(fake.requests).toHaveLength(1);
    expect(steps[0]?.error).toContain("finish_reason length");
  });

  it("waits out a 429 as retry-after-ms says, then succeeds", async () => {
    fake.script(fakeReply.rateLimited(50), fakeReply.json(goodPlanReply));
    const started = Date.now();
    const { value: plan, steps } = await reasonerOn(fake).plan(planInput({ max_steps: 4 }), signal());
    expect(plan.source).toBe("llm");
    expect(fake.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    // The SDK's retry is inside one API call: one trace step.
    expect(steps.map((s) => s.name)).toEqual(["llm.plan"]);
  });

  it("retries a 500 and succeeds", async () => {
    fake.script(fakeReply.serverError(500), fakeReply.json(goodPlanReply));
    const { value: plan } = await reasonerOn(fake).plan(planInput(), signal());
    expect(plan.source).toBe("llm");
    expect(fake.requests).toHaveLength(2);
  });

  it("falls back when 5xx outlast the retries, recording the status", async () => {
    fake.script(fakeReply.serverError(503, 1), fakeReply.serverError(503, 1));
    const { value: plan, steps } = await reasonerOn(fake, { max_retries: 1 }).plan(planInput(), signal());
    expect(plan.source).toBe("fallback");
    expect(fake.requests).toHaveLength(2);
    expect(steps[0]?.error).toMatch(/^HTTP 503/);
  });

  it("falls back with a clear error when the model does not answer in time", async () => {
    fake.script(fakeReply.slow(5_000), fakeReply.slow(5_000));
    const { value: plan, steps } = await reasonerOn(fake, { timeout_ms: 200, max_retries: 1 }).plan(
      planInput(),
      signal(),
    );
    expect(plan.source).toBe("fallback");
    expect(fake.requests).toHaveLength(2);
    expect(steps[0]).toMatchObject({ name: "llm.plan", status: "error" });
    expect(steps[0]?.error).toContain("timeout");
  });

  it("stops, without falling back, when the caller aborts", async () => {
    fake.script(fakeReply.slow(5_000));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(reasonerOn(fake).plan(planInput(), controller.signal)).rejects.toMatchObject({
      code: "cancelled",
    });
  });

  it("records a rejected key without the key itself", async () => {
    const reasoner = new OpenAIReasoner({
      apiKey: "sk-wrong-key-123456789",
      baseUrl: fake.url,
      llm: llmConfig,
    });
    const { value: plan, steps } = await reasoner.plan(planInput(), signal());
    expect(plan.source).toBe("fallback");
    expect(steps[0]?.error).toMatch(/^HTTP 401/);
    expect(JSON.stringify(steps)).not.toContain("wrong-key-123456789");
  });

  it("rejects a hostile plan (wildcards, another service's tags) and uses the repaired one", async () => {
    fake.script(fakeReply.json(hostilePlan), fakeReply.json(goodPlanReply));
    const { value: plan, steps } = await reasonerOn(fake).plan(planInput(), signal());

    expect(plan.source).toBe("llm");
    expect(JSON.stringify(plan)).not.toMatch(/billing|\{\*\}/);
    expect(steps[0]?.error).toContain("steps[0].query.metric");
    expect(steps[0]?.error).toContain("steps[1].query.by[0]");
    expect(steps[0]?.error).toContain('steps[2].filter: "service:billing" names a scope tag');
    expect(fake.requests[1]?.body.messages.at(-1)?.content).toContain("steps[0].query.metric");
  });

  it("falls back to the offline plan when the model insists on a hostile plan", async () => {
    fake.script(fakeReply.json(hostilePlan), fakeReply.json(hostilePlan));
    const { value: plan, steps } = await reasonerOn(fake).plan(planInput(), signal());
    expect(plan.source).toBe("fallback");
    expect(JSON.stringify(plan)).not.toMatch(/billing|\{\*\}/);
    expect(steps.at(-1)?.name).toBe("plan.fallback");
  });

  it("rejects metric names the service does not report", async () => {
    const invented = {
      ...goodPlanReply,
      steps: [
        {
          tool: "metrics",
          metric: "made.up.metric",
          aggregator: "avg",
          by: [],
          as_count: false,
          reason: "?",
        },
      ],
    };
    fake.script(fakeReply.json(invented), fakeReply.json(goodPlanReply));
    const { steps } = await reasonerOn(fake).plan(planInput(), signal());
    expect(steps[0]?.error).toContain('"made.up.metric" is not one of the service\'s metrics');
  });

  it("sends at most history_messages earlier messages, each cut short", async () => {
    const history = Array.from({ length: 12 }, (_, i) => ({
      role: i % 2 === 0 ? ("user" as const) : ("assistant" as const),
      content: i === 11 ? "x".repeat(5_000) : `message ${i}`,
    }));
    await reasonerOn(fake, { history_messages: 4 }).plan(planInput({ history }), signal());

    const messages = fake.requests[0]?.body.messages ?? [];
    const earlier = messages.slice(1, -1);
    expect(messages).toHaveLength(1 + 4 + 1);
    expect(earlier.map((m) => m.content.slice(0, 10))).toEqual([
      "message 8",
      "message 9",
      "message 10",
      "x".repeat(10),
    ]);
    expect(earlier.every((m) => m.content.length <= 1500)).toBe(true);
  });

  it("records tokens per call, summed over the plan's steps", async () => {
    fake.script(
      fakeReply.json({ intent: "nonsense" }, { prompt_tokens: 1000, completion_tokens: 20 }),
      fakeReply.json(goodPlanReply, { prompt_tokens: 1100, completion_tokens: 90 }),
    );
    const { steps } = await reasonerOn(fake).plan(planInput({ max_steps: 4 }), signal());
    expect(steps.map((s) => s.tokens)).toEqual([
      { prompt: 1000, completion: 20 },
      { prompt: 1100, completion: 90 },
    ]);
    expect(usageOfSteps(steps)).toMatchObject({ llm_calls: 2, prompt_tokens: 2100, completion_tokens: 110 });
  });
});
