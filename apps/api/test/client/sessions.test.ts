import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "@orch/testkit";
import {
  OTHER_TOKEN,
  startHarness,
  submitJob,
  waitForJob,
  type Harness,
} from "../support/orchestrator-harness.js";

interface Trace {
  plan: { intent: string } | null;
}

describe("sessions with the offline planner", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const intentOf = async (id: string) =>
    ((await (await h.request(`/jobs/${id}/trace`)).json()) as Trace).plan?.intent;

  it("plans a short follow-up with the intent of the session's previous question", async () => {
    const first = await submitJob(h, {
      service_id: "api-gateway",
      session_id: "incident-42",
      user_message: "Investigate 5xx errors",
    });
    expect((await waitForJob(h, first)).status).toBe("completed");
    expect(await intentOf(first)).toBe("errors");

    const followUp = await submitJob(h, {
      service_id: "api-gateway",
      session_id: "incident-42",
      user_message: "and since the deploy?",
    });
    expect((await waitForJob(h, followUp)).status).toBe("completed");
    expect(await intentOf(followUp)).toBe("errors");

    // The same words without the session's history are not about errors.
    const alone = await submitJob(h, { service_id: "api-gateway", user_message: "and since the deploy?" });
    await waitForJob(h, alone);
    expect(await intentOf(alone)).not.toBe("errors");

    const res = await h.request("/sessions/incident-42/messages");
    const body = (await res.json()) as {
      session_id: string;
      messages: Array<{ role: string; content: string; job_id: string }>;
    };
    expect(body.session_id).toBe("incident-42");
    expect(body.messages.map((m) => [m.role, m.job_id])).toEqual([
      ["user", first],
      ["assistant", first],
      ["user", followUp],
      ["assistant", followUp],
    ]);
    expect(body.messages[2]?.content).toBe("and since the deploy?");
  });

  it("keeps sessions per token: another token gets 404 and its own history under the same id", async () => {
    const mine = await submitJob(h, {
      service_id: "web-app",
      session_id: "shared-name",
      user_message: "How is CPU on web-app?",
    });
    await waitForJob(h, mine);
    expect((await h.request("/sessions/shared-name/messages", { token: OTHER_TOKEN })).status).toBe(404);

    const theirs = await submitJob(
      h,
      { service_id: "web-app", session_id: "shared-name", user_message: "Any errors?" },
      OTHER_TOKEN,
    );
    await waitForJob(h, theirs, 60, OTHER_TOKEN);
    const their = (await (
      await h.request("/sessions/shared-name/messages", { token: OTHER_TOKEN })
    ).json()) as {
      messages: Array<{ job_id: string }>;
    };
    expect(their.messages.map((m) => m.job_id)).toEqual([theirs, theirs]);
    const my = (await (await h.request("/sessions/shared-name/messages")).json()) as {
      messages: Array<{ job_id: string }>;
    };
    expect(my.messages.map((m) => m.job_id)).toEqual([mine, mine]);
  });

  it("answers 404 for a session that does not exist", async () => {
    expect((await h.request("/sessions/never-used/messages")).status).toBe(404);
  });
});

describe("sessions with a model", () => {
  let h: Harness;
  let openai: FakeOpenAI;
  beforeAll(async () => {
    openai = await startFakeOpenAI();
    h = await startHarness({ env: { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.url } });
  });
  afterAll(async () => {
    await h?.close();
    await openai?.close();
  });

  it("hands the model the session's earlier question and answer when planning a follow-up", async () => {
    const first = await submitJob(h, {
      service_id: "web-app",
      session_id: "chat-7",
      user_message: "Check CPU usage on web-app",
    });
    const firstView = (await waitForJob(h, first)) as { status: string; result: { answer_markdown: string } };
    expect(firstView.status).toBe("completed");

    openai.reset();
    const followUp = await submitJob(h, {
      service_id: "web-app",
      session_id: "chat-7",
      user_message: "and memory?",
    });
    expect((await waitForJob(h, followUp)).status).toBe("completed");

    const plan = openai.requests.find((r) => r.body.response_format?.json_schema?.name === "plan");
    expect(plan).toBeDefined();
    const messages = plan!.body.messages;
    const earlierQuestion = messages.findIndex(
      (m) => m.role === "user" && m.content.includes("Check CPU usage on web-app"),
    );
    const earlierAnswer = messages.findIndex(
      (m) =>
        m.role === "assistant" && firstView.result.answer_markdown.startsWith(m.content.replace(/…$/, "")),
    );
    const current = messages.findIndex((m) => m.role === "user" && m.content.includes("and memory?"));
    expect(earlierQuestion).toBeGreaterThanOrEqual(0);
    expect(earlierAnswer).toBeGreaterThan(earlierQuestion);
    expect(current).toBeGreaterThan(earlierAnswer);
  });
});
