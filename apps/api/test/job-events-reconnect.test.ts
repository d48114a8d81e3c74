import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobStore, globalKeys } from "@orch/queue";
import { startFakeOpenAI, type FakeOpenAI } from "@orch/testkit";
import { openEventStream } from "./client/sse-reader.js";
import { TOKEN, startHarness, submitJob, type Harness } from "./support/orchestrator-harness.js";
import { eventually } from "./support/worker-process.js";

/**
 * Pub/sub drops what is published while a subscriber is disconnected. The API's one subscription
 * is cut with CLIENT KILL (as a network blip or a Redis failover would), and the job is ended
 * before it reconnects: waiting clients must still learn of the end at once, not at their timeout.
 */
describe("the API's job-events subscription after a disconnection", () => {
  let h: Harness;
  let redis: Redis;
  let store: JobStore;
  beforeAll(async () => {
    // No workers: jobs stay queued until the test ends them. Heartbeats far apart, so only the
    // resync can deliver a missed end to an event stream within the test's bounds.
    h = await startHarness({ workers: false, config: { events: { heartbeat_ms: 120_000 } } });
    redis = new Redis(h.redis.url);
    store = new JobStore(redis, { retentionSeconds: 600 });
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
  });

  const subscribers = async () =>
    ((await redis.call("PUBSUB", "NUMSUB", globalKeys.eventsChannel)) as [string, number])[1];

  /** Cuts every subscriber and ends the job before any can reconnect. */
  async function endWhileDisconnected(id: string): Promise<void> {
    expect(await redis.call("CLIENT", "KILL", "TYPE", "pubsub")).toBeGreaterThanOrEqual(1);
    expect(await subscribers()).toBe(0);
    expect(await store.end(id, "failed", { code: "internal", message: "ended by the test" })).toBe("failed");
  }

  it("a long-wait returns as soon as the subscription is back, when its job ended while it was down", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is web-app?" });
    const started = Date.now();
    const waiting = h.request(`/jobs/${id}?wait=30`);
    await eventually(() => h.api.events.listenerCount > 0, 10_000, "the long-wait to listen");

    await endWhileDisconnected(id);
    const view = (await (await waiting).json()) as { status: string };
    expect(view.status).toBe("failed");
    expect(Date.now() - started).toBeLessThan(5000);
    await eventually(async () => (await subscribers()) === 1, 5000, "the API to subscribe again");
  });

  it("an event stream sends the end of a job that ended while the subscription was down", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is web-app now?" });
    const stream = await openEventStream(`${h.base}/jobs/${id}/events`, { Authorization: `Bearer ${TOKEN}` });
    await stream.waitForEvents(1, 10_000);
    expect(stream.events[0]?.event).toBe("status");

    const started = Date.now();
    await endWhileDisconnected(id);
    await stream.waitForEvents(2, 5000);
    expect(stream.events[1]).toMatchObject({ event: "end" });
    expect(JSON.parse(stream.events[1]!.data)).toMatchObject({ job_id: id, status: "failed" });
    expect(Date.now() - started).toBeLessThan(5000);
    await stream.ended;
  });
});

describe("the workers' cancellation watcher after a disconnection", () => {
  let h: Harness;
  let openai: FakeOpenAI;
  let redis: Redis;
  beforeAll(async () => {
    // The model takes 30 s to plan: the phase is mid-work for as long as the test needs.
    openai = await startFakeOpenAI({ handler: () => ({ kind: "default", delay_ms: 30_000 }) });
    h = await startHarness({ env: { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.url } });
    redis = new Redis(h.redis.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
    await openai?.close();
  });

  it("stops a running phase whose job was cancelled while its subscription was down", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is web-app?" });
    await eventually(() => openai.requests.length > 0, 20_000, "planning to ask the model");

    expect(await redis.call("CLIENT", "KILL", "TYPE", "pubsub")).toBeGreaterThanOrEqual(2);
    expect((await h.request(`/jobs/${id}`, { method: "DELETE" })).status).toBe(200);

    // Stopped at once (its BullMQ job finishes), not when the model answers 30 s later.
    const queue = new Queue("planning", { connection: redis, prefix: h.config.queue.prefix });
    try {
      await eventually(
        async () => (await (await queue.getJob(`${id}-planning`))?.getState()) === "completed",
        5000,
        "the planning phase to stop",
      );
    } finally {
      await queue.close();
    }
    expect(await redis.hget(`orch:job:{${id}}`, "status")).toBe("cancelled");
  });
});
