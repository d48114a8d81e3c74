import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { countTokens } from "gpt-tokenizer";
import { fakeReply, startFakeOpenAI, type FakeOpenAI } from "@orch/testkit";

let fake: FakeOpenAI;
let client: OpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: "fake-key" });
  client = new OpenAI({ apiKey: "fake-key", baseURL: fake.url, maxRetries: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

describe("the fake OpenAI server", () => {
  it("speaks the Chat Completions wire format to the real SDK", async () => {
    const reply = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(reply.object).toBe("chat.completion");
    expect(reply.choices[0]?.message.content).toBe("OK (fake model).");
    expect(reply.usage?.total_tokens).toBe(
      (reply.usage?.prompt_tokens ?? 0) + (reply.usage?.completion_tokens ?? 0),
    );
  });

  it("rejects a wrong key with 401 and the API's error body", async () => {
    const wrong = new OpenAI({ apiKey: "nope", baseURL: fake.url, maxRetries: 0 });
    await expect(
      wrong.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toMatchObject({
      status: 401,
      code: "invalid_api_key",
    });
    expect(fake.requests[0]?.authorized).toBe(false);
  });

  it("answers tool calls, scripted or by default", async () => {
    const tools = [
      { type: "function" as const, function: { name: "get_metrics", parameters: { type: "object" } } },
    ];
    fake.script(fakeReply.toolCalls({ name: "get_metrics", arguments: { metric: "system.cpu.user" } }));
    const scripted = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      tools,
    });
    expect(scripted.choices[0]?.finish_reason).toBe("tool_calls");
    const call = scripted.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" ? JSON.parse(call.function.arguments) : undefined).toEqual({
      metric: "system.cpu.user",
    });

    const byDefault = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      tools,
    });
    expect(byDefault.choices[0]?.message.tool_calls).toHaveLength(1);
  });

  it("serves a custom handler, and scripted replies before it", async () => {
    fake.setHandler(() => fakeReply.text("from the handler"));
    fake.script(fakeReply.text("scripted"));
    const ask = async () =>
      (await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] }))
        .choices[0]?.message.content;
    expect(await ask()).toBe("scripted");
    expect(await ask()).toBe("from the handler");
  });

  it("reports usage counted with the o200k tokenizer, as OpenAI's API would", async () => {
    const question = "Why did checkout get slower after the v5.2.0 deploy?";
    const reply = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: question }],
    });

    // The content and role, plus a few tokens of chat framing.
    expect(reply.usage?.prompt_tokens).toBe(countTokens(question) + countTokens("user") + 6);
    expect(reply.usage?.completion_tokens).toBe(countTokens("OK (fake model)."));
  });

  it("sends usage exactly as scripted, or none at all", async () => {
    fake.script(
      fakeReply.withWireUsage(fakeReply.text("a"), null),
      fakeReply.withWireUsage(fakeReply.text("b"), { total_tokens: 5 }),
    );
    const ask = () =>
      client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] });

    expect((await ask()).usage).toBeUndefined();
    expect((await ask()).usage).toEqual({ total_tokens: 5 });
  });
});
