import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "@orch/testkit";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";
import { eventually, spawnWorker, type WorkerProcess } from "./support/worker-process.js";

/** Far longer than the test waits: only the dead-worker check can hand the phase on in time. */
const LOCK_MS = 120_000;

interface Setup {
  h: Harness;
  openai: FakeOpenAI;
  redis: Redis;
  readonly workers: WorkerProcess[];
}

/** A harness without workers of its own and a model that answers after `delayMs`; tests spawn the workers. */
function setUp(delayMs: number): Setup {
  const setup = { workers: [] as WorkerProcess[] } as unknown as Setup;
  beforeAll(async () => {
    setup.openai = await startFakeOpenAI({ handler: () => ({ kind: "default", delay_ms: delayMs }) });
    setup.h = await startHarness({
      workers: false,
      config: { orchestrator: { lock_duration_ms: LOCK_MS, stalled_interval_ms: 1000 } },
      env: { OPENAI_API_KEY: setup.openai.apiKey, OPENAI_BASE_URL: setup.openai.url },
    });
    setup.redis = new Redis(setup.h.redis.url);
  });
  afterAll(async () => {
    await Promise.all(setup.workers.map((w) => w.kill("SIGKILL")));
    setup.redis?.disconnect();
    await setup.h?.close();
    await setup.openai?.close();
  });
  return setup;
}

/** Two worker processes, a job submitted, and the one whose planning holds its lock once the model is asked. */
async function planningHeld(
  setup: Setup,
  question: string,
): Promise<{ id: string; holder: string | null; held: WorkerProcess; other: WorkerProcess }> {
  const first = spawnWorker(setup.h.env);
  const second = spawnWorker(setup.h.env);
  setup.workers.push(first, second);
  const id = await submitJob(setup.h, { service_id: "web-app", user_message: question });
  await eventually(() => setup.openai.requests.length >= 1, 60_000, "planning to ask the model");
  const holder = await setup.redis.hget(`{orch}:planning:${id}-planning`, "pb");
  const held = holder?.startsWith(`orch-${first.child.pid}-`) ? first : second;
  return { id, holder, held, other: held === first ? second : first };
}

describe("a phase held by a worker process that was SIGKILLed", () => {
  // Every model call takes a while, so the kill lands while planning holds its lock.
  const setup = setUp(1500);

  it("is handed to a live worker once its connections are gone, long before its lock would expire", async () => {
    const { h, redis } = setup;
    // Planning is running in one of the two processes: the model was asked for the plan.
    const { id, holder, held: victim, other: survivor } = await planningHeld(setup, "Why is web-app slow?");
    expect(holder).toMatch(/^orch-\d+-/);
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
  // Longer than two looks of the dead-worker check: the drain must not pass for a death.
  const setup = setUp(4000);

  it("keeps it: the draining process finishes the phase and no other worker runs it again", async () => {
    const { h, redis, openai } = setup;
    const { id, held: draining } = await planningHeld(setup, "Is web-app healthy?");
    expect(await draining.kill("SIGTERM")).toBe(0);

    const view = await waitForJob(h, id, 60);
    expect(view.status).toBe("completed");
    expect(await redis.hget(`orch:job:{${id}}`, "runs:planning")).toBe("1");
    expect(openai.requests.filter((r) => r.body.response_format?.json_schema?.name === "plan")).toHaveLength(
      1,
    );
  }, 120_000);
});
