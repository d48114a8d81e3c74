import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobStore, SessionStore, WebhookQueue, globalKeys, type StoredJob } from "@orch/queue";
import { startRedis, type RedisServer } from "@orch/testkit";
import { JobEndHooks, PENDING_END_HOOKS_KEY, type EndHook } from "../src/job-end-hooks.js";
import { SessionHistory } from "../src/session-history.js";

/**
 * The state a crash leaves behind, built with the real store: the job's end is saved, its end
 * hooks are marked pending, and nothing ran them (the process died) or one failed.
 */
describe("JobEndHooks", () => {
  let server: RedisServer;
  let redis: Redis;
  let store: JobStore;
  let sessions: SessionStore;
  let webhooks: WebhookQueue;
  let clock = Date.now();
  const now = () => clock;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
    store = new JobStore(redis, { retentionSeconds: 600 });
    sessions = new SessionStore(redis, { retentionSeconds: 600, maxMessages: 50 });
    webhooks = new WebhookQueue(redis, "{hooks}", { attempts: 1, backoffMs: 100 });
  });
  afterAll(async () => {
    await webhooks.close();
    redis.disconnect();
    await server.stop();
  });

  const history = () => new SessionHistory({ sessions, limit: 10, log: pino({ level: "silent" }) });
  const hooksWith = (extra: EndHook[] = []) =>
    new JobEndHooks({
      redis,
      store,
      log: pino({ level: "silent" }),
      now,
      retryAfterMs: 30_000,
      hooks: [
        { name: "session", run: (job) => history().remember(job) },
        {
          name: "webhook",
          run: async (job: StoredJob) => {
            if (job.callback_url) await webhooks.enqueue(job.id);
          },
        },
        ...extra,
      ],
    });

  /** A job taken through its three phases with the real scripts; the last save completes it. */
  async function completedJob(session: string, answer: string): Promise<string> {
    const job = await store.create({
      owner: "alice",
      request: { service_id: "web-app", user_message: `question for ${session}`, session_id: session },
      deadlineMs: Date.now() + 60_000,
      callbackUrl: "https://hooks.example.com/x",
    });
    const outputs = { planning: { plan: {}, available_metrics: [] }, execution: {}, feedback: {} };
    for (const [phase, next] of [
      ["planning", "executing"],
      ["execution", "synthesizing"],
    ] as const) {
      await store.beginPhase(job.id, phase, next === "executing" ? "planning" : "executing");
      await store.completePhase(job.id, phase, outputs[phase], [], {}, next);
    }
    await store.beginPhase(job.id, "feedback", "synthesizing");
    // What the process that ends the job does first (JobEndHooks.ending), then it "dies" after
    // the save: nothing runs the hooks.
    await redis.zadd(PENDING_END_HOOKS_KEY, clock + 30_000, job.id);
    const saved = await store.completePhase(
      job.id,
      "feedback",
      { answer_markdown: answer, confidence: 0.9 },
      [],
      {},
      "completed",
    );
    expect(saved).toBe(true);
    return job.id;
  }

  const exchange = async (session: string) =>
    (await sessions.messages("alice", session)).map((m) => [m.role, m.content]);

  it("runs the hooks of a job whose ending process died before them, once they are due", async () => {
    const id = await completedJob("s-crash", "the saved answer");
    const hooks = hooksWith();

    expect(await hooks.redrive()).toBe(0); // not due yet: the ending process may still confirm
    clock += 31_000;
    expect(await hooks.redrive()).toBe(1);

    expect(await exchange("s-crash")).toEqual([
      ["user", "question for s-crash"],
      ["assistant", "the saved answer"],
    ]);
    expect(await webhooks.queue.getJob(`${id}-webhook`)).toBeDefined();
    expect(await redis.zscore(PENDING_END_HOOKS_KEY, id)).toBeNull();
    // Confirmed: nothing runs again.
    clock += 31_000;
    expect(await hooks.redrive()).toBe(0);
  });

  it("runs them at once when a redelivered phase finds the job ended with its hooks unconfirmed", async () => {
    const id = await completedJob("s-redelivered", "answer two");
    await hooksWith().settleIfPending(id);
    expect(await exchange("s-redelivered")).toHaveLength(2);
    expect(await redis.zscore(PENDING_END_HOOKS_KEY, id)).toBeNull();
  });

  it("keeps a job whose hook failed pending, and the next due run completes it without repeating the rest", async () => {
    const id = await completedJob("s-failing", "answer three");
    // A hook that fails once, as a Redis blip or a bug would.
    const sessionKey = globalKeys.sessionMessages("alice:s-failing");
    await redis.set(sessionKey, "not a list");
    const hooks = hooksWith();
    await hooks.settleIfPending(id);
    const score = Number(await redis.zscore(PENDING_END_HOOKS_KEY, id));
    expect(score).toBe(clock + 30_000);

    await redis.del(sessionKey);
    clock += 31_000;
    expect(await hooks.redrive()).toBe(1);
    expect(await exchange("s-failing")).toEqual([
      ["user", "question for s-failing"],
      ["assistant", "answer three"],
    ]);
    expect(await redis.zscore(PENDING_END_HOOKS_KEY, id)).toBeNull();
    // Idempotent: a second run (another sweeper, a redelivery) records nothing twice.
    await redis.zadd(PENDING_END_HOOKS_KEY, clock, id);
    expect(await hooks.redrive()).toBe(1);
    expect(await exchange("s-failing")).toHaveLength(2);
  });

  it("lets one of several sweepers run a due job's hooks", async () => {
    const id = await completedJob("s-race", "answer four");
    let runs = 0;
    const counting: EndHook = {
      name: "count",
      run: () => {
        runs += 1;
        return Promise.resolve();
      },
    };
    clock += 31_000;
    const results = await Promise.all([hooksWith([counting]).redrive(), hooksWith([counting]).redrive()]);
    expect(results.sort()).toEqual([0, 1]);
    expect(runs).toBe(1);
    expect(await redis.zscore(PENDING_END_HOOKS_KEY, id)).toBeNull();
  });

  it("drops the mark of a job that did not end (its save was refused or never happened)", async () => {
    const job = await store.create({
      owner: "alice",
      request: { service_id: "web-app", user_message: "still running" },
      deadlineMs: Date.now() + 60_000,
    });
    await redis.zadd(PENDING_END_HOOKS_KEY, clock, job.id);
    expect(await hooksWith().redrive()).toBe(1);
    expect(await redis.zscore(PENDING_END_HOOKS_KEY, job.id)).toBeNull();
    expect(await webhooks.queue.getJob(`${job.id}-webhook`)).toBeUndefined();
  });
});
