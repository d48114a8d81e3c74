import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "@orch/testkit";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";
import { eventually, spawnWorker, type WorkerProcess } from "./support/worker-process.js";

/** Far longer than the test waits: only the dead-worker check can hand the phase on in time. */
const LOCK_MS = 120_000;

describe("a phase held by a worker process that was SIGKILLed", () => {
  let h: Harness;
  let openai: FakeOpenAI;
  let redis: Redis;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // Every model call takes a while, so the kill lands while planning holds its lock.
    openai = await startFakeOpenAI({ handler: () => ({ kind: "default", delay_ms: 1500 }) });
    h = await startHarness({
      workers: false,
      config: { orchestrator: { lock_duration_ms: LOCK_MS, stalled_interval_ms: 1000 } },
      env: { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.url },
    });
    redis = new Redis(h.redis.url);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill("SIGKILL")));
    redis?.disconnect();
    await h?.close();
    await openai?.close();
  });

  it("is handed to a live worker once its connections are gone, long before its lock would expire", async () => {
    const first = spawnWorker(h.env);
    const second = spawnWorker(h.env);
    workers.push(first, second);
    const id = await submitJob(h, { service_id: "web-app", user_message: "Why is web-app slow?" });
    // Planning is running in one of the two processes: the model was asked for the plan.
    await eventually(() => openai.requests.length >= 1, 60_000, "planning to ask the model");
    const holder = await redis.hget(`{orch}:planning:${id}-planning`, "pb");
    expect(holder).toMatch(/^orch-\d+-/);
    const victim = holder!.startsWith(`orch-${first.child.pid}-`) ? first : second;
    const survivor = victim === first ? second : first;
    const killedAt = Date.now();
    await victim.kill("SIGKILL");

    const view = await waitForJob(h, id, 60);
    expect(view.status, survivor.output()).toBe("completed");
    expect(Date.now() - killedAt).toBeLessThan(LOCK_MS / 4);
    // The survivor ran planning again (the kill lost that run), and took the job under its own name.
    expect(await redis.hget(`orch:job:{${id}}`, "runs:planning")).toBe("2");
    expect(await redis.hget(`{orch}:planning:${id}-planning`, "pb")).toMatch(
      new RegExp(`^orch-${survivor.child.pid}-`),
    );
  }, 120_000);
});

describe("a phase held by a worker process that drains on SIGTERM", () => {
  let h: Harness;
  let openai: FakeOpenAI;
  let redis: Redis;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // Longer than two looks of the dead-worker check: the drain must not pass for a death.
    openai = await startFakeOpenAI({ handler: () => ({ kind: "default", delay_ms: 4000 }) });
    h = await startHarness({
      workers: false,
      config: { orchestrator: { lock_duration_ms: LOCK_MS, stalled_interval_ms: 1000 } },
      env: { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.url },
    });
    redis = new Redis(h.redis.url);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill("SIGKILL")));
    redis?.disconnect();
    await h?.close();
    await openai?.close();
  });

  it("keeps it: the draining process finishes the phase and no other worker runs it again", async () => {
    const first = spawnWorker(h.env);
    const second = spawnWorker(h.env);
    workers.push(first, second);
    const id = await submitJob(h, { service_id: "web-app", user_message: "Is web-app healthy?" });
    await eventually(() => openai.requests.length >= 1, 60_000, "planning to ask the model");
    const holder = await redis.hget(`{orch}:planning:${id}-planning`, "pb");
    const draining = holder!.startsWith(`orch-${first.child.pid}-`) ? first : second;
    expect(await draining.kill("SIGTERM")).toBe(0);

    const view = await waitForJob(h, id, 60);
    expect(view.status).toBe("completed");
    expect(await redis.hget(`orch:job:{${id}}`, "runs:planning")).toBe("1");
    expect(openai.requests.filter((r) => r.body.response_format?.json_schema?.name === "plan")).toHaveLength(
      1,
    );
  }, 120_000);
});
