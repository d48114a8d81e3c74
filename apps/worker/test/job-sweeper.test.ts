import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobStore, PhaseQueues } from "@orch/queue";
import { startRedis, type RedisServer } from "@orch/testkit";
import { JobSweeper } from "../src/job-sweeper.js";

describe("JobSweeper", () => {
  let server: RedisServer;
  let redis: Redis;
  let store: JobStore;
  let queues: PhaseQueues;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
    store = new JobStore(redis, { retentionSeconds: 600 });
    queues = new PhaseQueues(redis, "{sweep}", {
      attempts: 1,
      backoffMs: 100,
      keepCompletedSeconds: 60,
      keepFailedSeconds: 60,
    });
  });
  afterAll(async () => {
    await queues.close();
    redis.disconnect();
    await server.stop();
  });

  const sweeper = () =>
    new JobSweeper({
      store,
      log: pino({ level: "silent" }),
      queuePlanning: (id) => queues.enqueue("planning", id),
      strandedAfterMs: 0,
    });
  const submit = (deadlineMs = Date.now() + 60_000) =>
    store.create({ owner: "alice", request: { service_id: "web-app", user_message: "hi" }, deadlineMs });

  it("queues the planning phase of a job whose submitter died before queueing it", async () => {
    const job = await submit();
    expect(await queues.queues.planning.getJob(`${job.id}-planning`)).toBeUndefined();
    expect(await sweeper().sweep()).toEqual({ ended: 0, requeued: 1, redriven: 0 });
    expect(await queues.queues.planning.getJob(`${job.id}-planning`)).toBeDefined();
    expect(await store.unqueued(0)).not.toContain(job.id);
  });

  it("leaves alone jobs that were queued, and jobs that already started", async () => {
    const queued = await submit();
    await queues.enqueue("planning", queued.id);
    await store.markQueued(queued.id);
    const started = await submit();
    await store.beginPhase(started.id, "planning", "planning");
    expect(await sweeper().sweep()).toEqual({ ended: 0, requeued: 0, redriven: 0 });
    expect(await queues.queues.planning.getJob(`${started.id}-planning`)).toBeUndefined();
  });

  it("fails jobs past their deadline that no phase is running", async () => {
    const job = await submit(Date.now() - 1);
    const { ended } = await sweeper().sweep();
    expect(ended).toBeGreaterThanOrEqual(1);
    expect((await store.get(job.id))?.error?.code).toBe("deadline_exceeded");
  });
});
