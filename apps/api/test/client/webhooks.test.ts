import { createHmac, timingSafeEqual } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, submitJob, waitForJob, type Harness } from "../support/orchestrator-harness.js";
import { eventually } from "../support/worker-process.js";
import { startWebhookReceiver, type ReceivedHook, type WebhookReceiver } from "./webhook-receiver.js";

const SECRET = "whsec-test-0123456789abcdef";

/** What a receiver does: recompute the HMAC over `<t>.<raw body>` and compare in constant time. */
function verify(hook: ReceivedHook, secret = SECRET): boolean {
  const header = String(hook.headers["x-orchestrator-signature"] ?? "");
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac("sha256", secret).update(`${match[1]}.${hook.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, "hex"));
}

describe("webhooks to an allowed host", () => {
  let h: Harness;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    h = await startHarness({
      workers: false,
      env: { WEBHOOK_SECRET: SECRET },
      config: {
        webhooks: { allowed_hosts: ["127.0.0.1"], allow_private: true, attempts: 4, backoff_ms: 150 },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
  });
  const hooksFor = (path: string) => receiver.received.filter((r) => r.path === path);

  it("calls back once when a queued job is cancelled, with event job.cancelled", async () => {
    const id = await submitJob(h, {
      service_id: "web-app",
      user_message: "How is web-app?",
      callback_url: `${receiver.url}/cancelled`,
    });
    expect((await h.request(`/jobs/${id}`, { method: "DELETE" })).status).toBe(200);
    // The API queued the delivery when it cancelled the job; workers deliver it.
    if (!h.workers) await h.startWorkers();
    await eventually(() => hooksFor("/cancelled").length === 1, 20_000, "the cancellation webhook");
    const hook = hooksFor("/cancelled")[0]!;
    expect(hook.headers["x-orchestrator-event"]).toBe("job.cancelled");
    expect(verify(hook)).toBe(true);
    expect(JSON.parse(hook.body)).toMatchObject({
      job_id: id,
      status: "cancelled",
      error: { code: "cancelled" },
    });
  });

  it("posts the job view, signed with HMAC-SHA256 over <timestamp>.<body>, once the job completes", async () => {
    if (!h.workers) await h.startWorkers();
    const id = await submitJob(h, {
      service_id: "api-gateway",
      user_message: "Investigate recent 5xx errors",
      callback_url: `${receiver.url}/done`,
    });
    await waitForJob(h, id);
    await eventually(() => hooksFor("/done").length === 1, 20_000, "the completion webhook");
    const hook = hooksFor("/done")[0]!;

    expect(verify(hook)).toBe(true);
    expect(verify(hook, "some-other-secret")).toBe(false);
    expect(verify({ ...hook, body: hook.body.replace("completed", "failed") })).toBe(false);
    const t = Number(/t=(\d+)/.exec(String(hook.headers["x-orchestrator-signature"]))?.[1]);
    expect(Math.abs(t - Date.now() / 1000)).toBeLessThan(300);
    expect(hook.headers["content-type"]).toBe("application/json");
    expect(hook.headers["x-orchestrator-event"]).toBe("job.completed");
    expect(hook.headers["x-orchestrator-delivery"]).toBe(`${id}-webhook`);

    // The body is the job view, exactly as GET /jobs/:id shows it.
    const view = (await (await h.request(`/jobs/${id}`)).json()) as Record<string, unknown>;
    expect(JSON.parse(hook.body)).toEqual(view);
  });

  it("retries with growing delays while the receiver answers 500, then stops once delivered", async () => {
    if (!h.workers) await h.startWorkers();
    receiver.script(500, 503);
    const id = await submitJob(h, {
      service_id: "payments",
      user_message: "How is payments?",
      callback_url: `${receiver.url}/flaky`,
    });
    await eventually(() => hooksFor("/flaky").length === 3, 30_000, "three delivery attempts");
    const hooks = hooksFor("/flaky");
    expect(hooks.map((r) => r.headers["x-orchestrator-attempt"])).toEqual(["1", "2", "3"]);
    expect(new Set(hooks.map((r) => r.headers["x-orchestrator-delivery"]))).toEqual(
      new Set([`${id}-webhook`]),
    );
    expect(hooks.every((hook) => verify(hook))).toBe(true);
    // Exponential backoff from 150 ms: at least 150 ms, then at least 300 ms.
    expect(hooks[1]!.at - hooks[0]!.at).toBeGreaterThanOrEqual(140);
    expect(hooks[2]!.at - hooks[1]!.at).toBeGreaterThanOrEqual(290);

    // Delivered on the third attempt: no fourth one comes (the next job's hook arrives first).
    const next = await submitJob(h, {
      service_id: "payments",
      user_message: "And now?",
      callback_url: `${receiver.url}/after`,
    });
    await waitForJob(h, next);
    await eventually(() => hooksFor("/after").length === 1, 20_000, "the next job's webhook");
    expect(hooksFor("/flaky")).toHaveLength(3);
  });

  it("rejects a callback_url whose host is not in webhooks.allowed_hosts", async () => {
    const res = await h.request("/jobs", {
      method: "POST",
      body: JSON.stringify({
        service_id: "web-app",
        user_message: "How is web-app?",
        callback_url: "https://hooks.evil.example/steal",
      }),
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { detail: string; errors: Array<{ field: string }> };
    expect(problem.detail).toMatch(/hooks\.evil\.example is not in config webhooks\.allowed_hosts/);
    expect(problem.errors[0]?.field).toBe("callback_url");
  });
});

describe("webhooks without allow_private", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      workers: false,
      env: { WEBHOOK_SECRET: SECRET },
      config: { webhooks: { allowed_hosts: ["127.0.0.1", "localhost", "*.internal.test"] } },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("refuses callbacks to loopback addresses, even on an allowed host", async () => {
    for (const callback_url of ["http://127.0.0.1:9/hook", "http://localhost:9/hook"]) {
      const res = await h.request("/jobs", {
        method: "POST",
        body: JSON.stringify({ service_id: "web-app", user_message: "How?", callback_url }),
      });
      expect(res.status, callback_url).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toMatch(
        /loopback or private address; set config webhooks\.allow_private/,
      );
    }
  });
});

describe("webhooks when none are allowed", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ workers: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers 400 for any callback_url, naming the config key that enables them", async () => {
    const res = await h.request("/jobs", {
      method: "POST",
      body: JSON.stringify({
        service_id: "web-app",
        user_message: "How?",
        callback_url: "https://hooks.example.com/x",
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(
      /webhooks are disabled.*webhooks\.allowed_hosts is empty/,
    );
  });
});
