import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PENDING_END_HOOKS_KEY } from "@orch/worker";
import { startFakeBackend, startFakeOpenAI, type FakeBackend, type FakeOpenAI } from "@orch/testkit";
import { startWebhookReceiver, type WebhookReceiver } from "./client/webhook-receiver.js";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";
import { eventually, spawnWorker, type WorkerProcess } from "./support/worker-process.js";

/**
 * A job's end side effects — its session exchange, its webhook, the exchange posted to the backend —
 * run after the record says completed. A worker SIGKILLed while they run must not lose them: the
 * next worker runs them again (they are idempotent), and the client sees each exactly once.
 */
describe("end hooks when the worker that completed the job is killed", () => {
  let h: Harness;
  let openai: FakeOpenAI;
  let backend: FakeBackend;
  let receiver: WebhookReceiver;
  let redis: Redis;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // A slow model keeps each phase busy long enough to arrange the fault before the next step.
    openai = await startFakeOpenAI({ handler: () => ({ kind: "default", delay_ms: 1000 }) });
    backend = await startFakeBackend();
    receiver = await startWebhookReceiver();
    h = await startHarness({
      workers: false,
      env: {
        OPENAI_API_KEY: openai.apiKey,
        OPENAI_BASE_URL: openai.url,
        BACKEND_API_URL: backend.url,
        BACKEND_API_TOKEN: backend.token,
        WEBHOOK_SECRET: "whsec-end-hooks-0123456789",
      },
      config: {
        backend: { timeout_ms: 30_000, retries: 0 },
        webhooks: { allowed_hosts: ["127.0.0.1"], allow_private: true, backoff_ms: 100 },
      },
    });
    redis = new Redis(h.redis.url);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill("SIGKILL")));
    redis?.disconnect();
    await h?.close();
    await openai?.close();
    await backend?.close();
    await receiver?.close();
  });

  const posts = (session: string, key?: string) =>
    backend.requests.filter(
      (r) =>
        r.method === "POST" &&
        r.path === `/sessions/${session}/messages` &&
        (key === undefined || r.idempotencyKey === key),
    );

  it("runs them again in the next worker: session, webhook and backend each get the exchange once", async () => {
    const session = `hooks-crash-${randomUUID()}`;
    const path = `/sessions/${session}/messages`;
    const first = spawnWorker(h.env);
    workers.push(first);
    const id = await submitJob(h, {
      service_id: "web-app",
      session_id: session,
      user_message: "How is web-app doing?",
      callback_url: `${receiver.url}/crash`,
    });

    // Feedback has read the session's history (planning did too): the next call to the backend
    // is posting the exchange back, the last end hook. Hold it, and kill the worker meanwhile.
    await eventually(() => backend.count(path, "GET") >= 2, 60_000, "feedback to read the history");
    backend.inject({ kind: "slow", delay_ms: 20_000, path, times: 1 });
    await eventually(() => posts(session).length >= 1, 60_000, "the exchange to be posted");
    await first.kill("SIGKILL");
    expect(await redis.hget(`orch:job:{${id}}`, "status")).toBe("completed");
    expect(await redis.zscore(PENDING_END_HOOKS_KEY, id)).not.toBeNull();

    // The feedback job was still active in BullMQ: the next worker gets it once its lock expires,
    // finds the job ended with its hooks unconfirmed, and runs them.
    const second = spawnWorker(h.env);
    workers.push(second);
    await eventually(
      () => backend.messages(session).length === 2,
      30_000,
      "the exchange to reach the backend",
    );
    expect(backend.messages(session)).toMatchObject([
      { role: "user", job_id: id },
      { role: "assistant", job_id: id },
    ]);
    expect(posts(session, `${id}-user`).length).toBeGreaterThanOrEqual(2);
    await eventually(
      async () => (await redis.zscore(PENDING_END_HOOKS_KEY, id)) === null,
      10_000,
      "the hooks to be confirmed",
    );

    const view = (await waitForJob(h, id)) as { result: { answer_markdown: string } };
    const messages = (await (await h.request(`/sessions/${session}/messages`)).json()) as {
      messages: Array<{ role: string; content: string; job_id: string }>;
    };
    expect(messages.messages.map((m) => [m.role, m.job_id])).toEqual([
      ["user", id],
      ["assistant", id],
    ]);
    expect(messages.messages[1]?.content).toBe(view.result.answer_markdown);

    await eventually(() => receiver.received.length >= 1, 20_000, "the webhook");
    const hooks = receiver.received.filter((r) => r.path === "/crash");
    expect(new Set(hooks.map((r) => r.headers["x-orchestrator-delivery"]))).toEqual(
      new Set([`${id}-webhook`]),
    );
    expect(hooks[0]?.headers["x-orchestrator-event"]).toBe("job.completed");
  }, 120_000);

  it("leaves nothing in the session of a job cancelled while its answer was being written", async () => {
    const session = `cancelled-${randomUUID()}`;
    if (workers.every((w) => w.child.exitCode !== null || w.child.signalCode !== null)) {
      workers.push(spawnWorker(h.env));
    }
    const question = `Any errors on web-app? (${session})`;
    const id = await submitJob(h, { service_id: "web-app", session_id: session, user_message: question });
    await eventually(
      () =>
        openai.requests.some(
          (r) =>
            r.body.response_format?.json_schema?.name === "answer" &&
            r.body.messages.some((m) => m.content.includes(question)),
        ),
      60_000,
      "feedback to ask for the answer",
    );
    expect((await h.request(`/jobs/${id}`, { method: "DELETE" })).status).toBe(200);
    // Until the BullMQ job feedback ran in has finished (its own, or the planning job it ran inline
    // in): the model's reply and anything the phase would do with it are behind us.
    const planning = new Queue("planning", { connection: redis, prefix: h.config.queue.prefix });
    const feedback = new Queue("feedback", { connection: redis, prefix: h.config.queue.prefix });
    const ended = ["completed", "failed"];
    try {
      await eventually(
        async () =>
          ended.includes(await planning.getJobState(`${id}-planning`)) &&
          [...ended, "unknown"].includes(await feedback.getJobState(`${id}-feedback`)),
        60_000,
        "the feedback phase to finish",
      );
    } finally {
      await planning.close();
      await feedback.close();
    }
    expect((await h.request(`/sessions/${session}/messages`)).status).toBe(404);
    expect(posts(session)).toHaveLength(0);
    expect(await redis.hget(`orch:job:{${id}}`, "status")).toBe("cancelled");
  }, 90_000);
});
