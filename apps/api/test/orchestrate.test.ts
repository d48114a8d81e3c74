import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobStore } from "@orch/queue";
import { startFakeDatadog, type FakeDatadog } from "@orch/testkit";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";
import { eventually } from "./support/worker-process.js";

interface Problem {
  status: number;
  code: string;
  detail: string;
  job_id: string;
  status_url: string;
}

const question = { service_id: "checkout", user_message: "Why did checkout get slower?" };

const orchestrate = (h: Harness, body: unknown = question) =>
  h.request("/orchestrate", { method: "POST", body: JSON.stringify(body) });

describe("POST /orchestrate when the job outlasts orchestrator.timeout_seconds", () => {
  let h: Harness;
  let datadog: FakeDatadog;
  beforeAll(async () => {
    datadog = await startFakeDatadog();
    h = await startHarness({
      env: {
        DATADOG_API_KEY: datadog.apiKey,
        DATADOG_APP_KEY: datadog.appKey,
        DATADOG_API_URL: datadog.url,
      },
      config: { orchestrator: { timeout_seconds: 1 } },
    });
    // A first job loads the Datadog SDK, which blocks this process (API and workers) while it does.
    await waitForJob(h, await submitJob(h, question), 60);
  });
  afterAll(async () => {
    await h?.close();
    await datadog?.close();
  });

  it("answers 202 with the job id and status URL after its wait, and the job still completes", async () => {
    // Every metrics read takes 3 s (the first job's were cached, so this asks about another
    // service), so the job needs longer than the 1 s the call waits.
    datadog.inject({ kind: "slow", delay_ms: 3000, path: "/api/v1/query", times: Infinity });
    const started = Date.now();
    const res = await orchestrate(h, { service_id: "payments", user_message: "Why is payments slow?" });
    const waited = Date.now() - started;
    expect(res.status).toBe(202);
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(2500);
    const body = (await res.json()) as { job_id: string; status: string; status_url: string; detail: string };
    expect(body.job_id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(body.status_url).toBe(`/jobs/${body.job_id}`);
    expect(res.headers.get("location")).toBe(body.status_url);
    expect(["queued", "planning", "executing", "synthesizing"]).toContain(body.status);
    expect(body.detail).toMatch(/Still running after 1 s/);

    const view = await waitForJob(h, body.job_id, 60);
    expect(view.status).toBe("completed");
    expect((view.result as { answer_markdown: string }).answer_markdown.length).toBeGreaterThan(20);
  });
});

describe("POST /orchestrate when its job does not complete", () => {
  let h: Harness;
  let redis: Redis;
  let store: JobStore;
  beforeAll(async () => {
    // No workers: the job waits in its queue until the test ends it.
    h = await startHarness({ workers: false });
    redis = new Redis(h.redis.url);
    store = new JobStore(redis, { retentionSeconds: 60 });
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
  });

  /** Job ids in the store (records only, not their steps or events). */
  const jobIds = async () =>
    (await redis.keys("orch:job:{*}"))
      .filter((key) => !key.includes("}:"))
      .map((key) => key.slice("orch:job:{".length, -1));

  /** Starts a POST /orchestrate and returns once it waits on its (new) job. */
  async function waitingCall(): Promise<{ id: string; pending: Promise<Response> }> {
    const before = new Set(await jobIds());
    const pending = orchestrate(h);
    let id = "";
    await eventually(
      async () => {
        id = (await jobIds()).find((candidate) => !before.has(candidate)) ?? "";
        return id !== "" && h.api.events.listenerCount > 0;
      },
      5000,
      "the orchestrate call to be waiting on its job",
    );
    return { id, pending };
  }

  it("answers 409 cancelled, with the job id, when the job is cancelled while it waits", async () => {
    const { id, pending } = await waitingCall();
    expect((await h.request(`/jobs/${id}`, { method: "DELETE" })).status).toBe(200);

    const res = await pending;
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const body = (await res.json()) as Problem;
    expect(body).toMatchObject({ status: 409, code: "cancelled", job_id: id, status_url: `/jobs/${id}` });
    expect(body.detail).toMatch(/cancelled/);
  });

  it.each([
    ["upstream_auth", 502],
    ["upstream_timeout", 504],
    ["internal", 500],
    ["a_code_we_do_not_know", 500],
  ] as const)(
    "answers a job that failed with %s with that code's status (%i), not a blanket 502",
    async (code, status) => {
      const { id, pending } = await waitingCall();
      // A worker ends the job as failed, as after an upstream's last refusal.
      await store.end(id, "failed", { code, message: "Datadog refused the request", phase: "execution" });

      const res = await pending;
      expect(res.status).toBe(status);
      const body = (await res.json()) as Problem;
      expect(body.code).toBe(code === "a_code_we_do_not_know" ? "internal" : code);
      expect(body).toMatchObject({ job_id: id, status_url: `/jobs/${id}` });
      expect(body.detail).toMatch(/The job failed: Datadog refused the request/);
    },
  );
});
