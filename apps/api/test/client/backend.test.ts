import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  startFakeBackend,
  startFakeDatadog,
  type FakeBackend,
  type FakeDatadog,
} from "@orch/testkit";
import { startHarness, submitJob, waitForJob, type Harness } from "../support/orchestrator-harness.js";
import { eventually } from "../support/worker-process.js";

interface Step {
  phase: string;
  kind: string;
  name: string;
  status: string;
  summary: string;
  error?: string;
}
interface Trace {
  data_source: string;
  plan: { intent: string };
  steps: Step[];
}

async function traceOf(h: Harness, id: string): Promise<Trace> {
  return (await (await h.request(`/jobs/${id}/trace`)).json()) as Trace;
}

describe("with a backend that answers", () => {
  let h: Harness;
  let backend: FakeBackend;
  let datadog: FakeDatadog;
  beforeAll(async () => {
    backend = await startFakeBackend();
    // The service's own Datadog org, known only to the backend; the deployment itself has no keys (demo data).
    datadog = await startFakeDatadog({ apiKey: "billing-org-api-key", appKey: "billing-org-app-key" });
    h = await startHarness({
      env: { BACKEND_API_URL: backend.url, BACKEND_API_TOKEN: backend.token },
      config: { backend: { timeout_ms: 300, retries: 1, backoff_ms: 20 } },
    });
  });
  afterAll(async () => {
    await h?.close();
    await backend?.close();
    await datadog?.close();
  });

  it("scopes the job with the backend's service info and reads the service's own Datadog org", async () => {
    backend.setService("billing", {
      tags: ["service:billing", "env:staging"],
      env: "staging",
      datadog: { api_url: datadog.url, api_key: "billing-org-api-key", app_key: "billing-org-app-key" },
    });
    const id = await submitJob(h, { service_id: "billing", user_message: "Investigate recent 5xx errors" });
    const view = await waitForJob(h, id);
    expect(view.status).toBe("completed");

    const trace = await traceOf(h, id);
    expect(trace.data_source).toBe("datadog");
    const lookup = trace.steps.find((s) => s.name === "backend.service_info");
    expect(lookup).toMatchObject({ phase: "planning", kind: "tool", status: "ok" });
    expect(lookup?.summary).toContain("service:billing,env:staging");
    // Cached: later phases did not ask again.
    expect(trace.steps.filter((s) => s.name === "backend.service_info")).toHaveLength(1);
    expect(backend.count("/services/billing")).toBe(1);
    expect(backend.requests.every((r) => r.authorized)).toBe(true);

    const queries = datadog.requests.filter((r) => r.path.startsWith("/api/v1/query"));
    expect(queries.length).toBeGreaterThan(0);
    for (const q of queries) expect(q.query.query).toMatch(/\{[^}]*service:billing,env:staging/);
  });

  it("plans with the backend's chat history and posts the question and answer back", async () => {
    backend.setMessages("chat-b2", [
      { role: "user", content: "Investigate 5xx errors", job_id: "earlier-job" },
      { role: "assistant", content: "The 5xx rate rose at 14:02.", job_id: "earlier-job" },
    ]);
    const id = await submitJob(h, {
      service_id: "api-gateway",
      session_id: "chat-b2",
      user_message: "and since the deploy?",
    });
    const view = (await waitForJob(h, id)) as { status: string; result: { answer_markdown: string } };
    expect(view.status).toBe("completed");
    const trace = await traceOf(h, id);
    expect(trace.plan.intent).toBe("errors");
    expect(trace.steps.find((s) => s.name === "backend.chat_messages")).toMatchObject({
      status: "ok",
      phase: "planning",
    });
    const read = backend.requests.find((r) => r.method === "GET" && r.path === "/sessions/chat-b2/messages");
    expect(read?.query).toMatchObject({ limit: expect.any(String) as string, client: "alice" });

    // Posting back happens just after the job completes.
    await eventually(() => backend.messages("chat-b2").length === 4, 10_000, "the exchange to be posted");
    const posted = backend.messages("chat-b2").slice(2);
    expect(posted).toMatchObject([
      {
        role: "user",
        content: "and since the deploy?",
        job_id: id,
        service_id: "api-gateway",
        client: "alice",
      },
      { role: "assistant", content: view.result.answer_markdown, job_id: id },
    ]);
    const posts = backend.requests.filter((r) => r.method === "POST");
    expect(posts.map((p) => p.idempotencyKey)).toEqual([`${id}-user`, `${id}-assistant`]);
  });

  it("runs with config defaults when the backend does not know the service", async () => {
    const id = await submitJob(h, { service_id: "unknown-svc", user_message: "How is unknown-svc?" });
    expect((await waitForJob(h, id)).status).toBe("completed");
    const trace = await traceOf(h, id);
    expect(trace.data_source).toBe("demo");
    expect(trace.steps.find((s) => s.name === "backend.service_info")).toMatchObject({ status: "ok" });
    expect(trace.steps.find((s) => s.name === "backend.service_info")?.summary).toMatch(
      /does not know the service/,
    );
  });

  it("degrades to config defaults when the backend is slow, and says so in the trace", async () => {
    backend.inject({ kind: "slow", delay_ms: 5000, path: "/services/", times: Infinity });
    try {
      const id = await submitJob(h, { service_id: "slow-svc", user_message: "How is slow-svc doing?" });
      expect((await waitForJob(h, id)).status).toBe("completed");
      const trace = await traceOf(h, id);
      expect(trace.data_source).toBe("demo");
      const lookup = trace.steps.find((s) => s.name === "backend.service_info");
      expect(lookup).toMatchObject({ phase: "planning", kind: "tool", status: "error" });
      expect(lookup?.summary).toMatch(/unavailable; using config defaults/);
      expect(lookup?.error).toMatch(/upstream_timeout: .*within 300 ms/);
      // One attempt and one retry, then the failure is remembered for the later phases.
      expect(backend.count("/services/slow-svc")).toBe(2);
    } finally {
      backend.reset();
    }
  });
});

describe("with a backend that is down", () => {
  let h: Harness;
  beforeAll(async () => {
    const closedPort = await freePort();
    h = await startHarness({
      env: {
        BACKEND_API_URL: `http://127.0.0.1:${closedPort}/api`,
        BACKEND_API_TOKEN: "unused-backend-token",
      },
      config: { backend: { timeout_ms: 500, retries: 1, backoff_ms: 20 } },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("still answers, from config defaults and the orchestrator's own session history", async () => {
    const first = await submitJob(h, {
      service_id: "api-gateway",
      session_id: "offline-chat",
      user_message: "Investigate 5xx errors",
    });
    expect((await waitForJob(h, first)).status).toBe("completed");
    const second = await submitJob(h, {
      service_id: "api-gateway",
      session_id: "offline-chat",
      user_message: "and since the deploy?",
    });
    expect((await waitForJob(h, second)).status).toBe("completed");

    const trace = await traceOf(h, second);
    expect(trace.data_source).toBe("demo");
    expect(trace.plan.intent).toBe("errors");
    const lookup = trace.steps.find((s) => s.name === "backend.service_info");
    expect(lookup?.status).toBe("error");
    expect(lookup?.error).toMatch(/unreachable \(ECONNREFUSED\)/);
    const history = trace.steps.find((s) => s.name === "backend.chat_messages" && s.phase === "planning");
    expect(history).toMatchObject({ status: "error" });
    expect(history?.summary).toMatch(/using the 2 message\(s\) the orchestrator kept/);
    for (const step of trace.steps) expect(JSON.stringify(step)).not.toContain("unused-backend-token");
  });
});
