import { Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHASES, type Phase } from "@orch/core";
import { JobEvents, JobStore, PhaseQueues, type PhasePayload, type StoredJob } from "@orch/queue";
import { startRedis, type RedisServer } from "@orch/testkit";
import { PHASE_INPUTS } from "../src/phase-handoff.js";
import { PhaseRunner, type PhaseHandler, type PhaseObservation } from "../src/phase-runner.js";

const PREFIX = "{inline}";

/**
 * A PhaseRunner on real BullMQ workers and a real Redis, with phases of its own: what runs inline
 * in the planning job, and what a failed inline phase falls back to.
 */
describe("phases run inline", () => {
  let server: RedisServer;
  let redis: Redis;
  let subscriber: Redis;
  let store: JobStore;
  let queues: PhaseQueues;
  let events: JobEvents;
  let runner: PhaseRunner;
  let workers: Worker<PhasePayload>[];
  const calls: Record<Phase, string[]> = { planning: [], execution: [], feedback: [] };
  const seen: PhaseObservation[] = [];
  /** Jobs whose execution throws (retryably) on its first run. */
  const flaky = new Set<string>();
  /** The job each run was handed, beside the record read back from Redis then. */
  const handed: Array<{ phase: Phase; job: StoredJob; read: StoredJob | undefined }> = [];

  const handler =
    (phase: Phase): PhaseHandler =>
    async ({ job }) => {
      calls[phase].push(job.id);
      handed.push({ phase, job, read: await store.get(job.id, PHASE_INPUTS[phase]) });
      await Promise.resolve();
      if (phase === "execution" && flaky.delete(job.id)) throw new Error("transient");
      return {
        output: phase === "feedback" ? { answer_markdown: "ok" } : { phase },
        steps: [{ kind: "note", title: phase }] as never,
        usage: {},
      };
    };

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: null });
    subscriber = new Redis(server.url, { maxRetriesPerRequest: null });
    store = new JobStore(redis, { retentionSeconds: 600 });
    queues = new PhaseQueues(redis, PREFIX, {
      attempts: 3,
      backoffMs: 50,
      keepCompletedSeconds: 60,
      keepFailedSeconds: 60,
    });
    events = new JobEvents(subscriber);
    await events.start();
    const handlers = Object.fromEntries(PHASES.map((p) => [p, handler(p)])) as Record<Phase, PhaseHandler>;
    const byPhase = new Map<Phase, Worker<PhasePayload>>();
    runner = new PhaseRunner({
      store,
      queues,
      events,
      log: pino({ level: "silent" }),
      observer: (o) => seen.push(o),
      inline: {
        handlers,
        canRun: (phase) => byPhase.get(phase)?.isRunning() === true && runner.inFlight(phase) < 2,
      },
    });
    workers = PHASES.map((phase) => {
      const worker = new Worker<PhasePayload>(
        phase,
        (job: Job<PhasePayload>, token?: string) => runner.run(phase, job, handlers[phase], token),
        { connection: redis, prefix: PREFIX, concurrency: 2 },
      );
      byPhase.set(phase, worker);
      return worker;
    });
    await Promise.all(workers.map((w) => w.waitUntilReady()));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    runner.close();
    await events.close();
    await queues.close();
    redis.disconnect();
    subscriber.disconnect();
    await server.stop();
  });

  const submit = async () => {
    const job = await store.create({
      owner: "alice",
      request: { service_id: "web-app", user_message: "hi" },
      deadlineMs: Date.now() + 60_000,
    });
    await queues.enqueue("planning", job.id);
    return job.id;
  };
  const ended = async (id: string) => {
    for (let i = 0; i < 400; i += 1) {
      const status = await store.status(id);
      if (status === "completed" || status === "failed") return status;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`job ${id} did not end`);
  };
  const phaseJob = (phase: Phase, id: string) => queues.queues[phase].getJob(`${id}-${phase}`);

  it("runs execution and feedback in the planning job, each once, each observed", async () => {
    const id = await submit();
    expect(await ended(id)).toBe("completed");
    for (const phase of PHASES) expect(calls[phase].filter((j) => j === id)).toHaveLength(1);
    expect(await phaseJob("execution", id)).toBeUndefined();
    expect(await phaseJob("feedback", id)).toBeUndefined();
    const mine = seen.filter((o) => o.job.id === id);
    expect(mine.map((o) => [o.phase, o.outcome])).toEqual([
      ["planning", "completed"],
      ["execution", "completed"],
      ["feedback", "completed"],
    ]);
    expect(mine.slice(1).every((o) => o.waitedSeconds === 0)).toBe(true);
    const runs = await redis.hmget(`orch:job:{${id}}`, "runs:planning", "runs:execution", "runs:feedback");
    expect(runs).toEqual(["1", "1", "1"]);
  });

  it("queues an inline phase that fails retryably; the queued run completes the job once", async () => {
    const id = await submit();
    flaky.add(id);
    expect(await ended(id)).toBe("completed");
    expect(calls.planning.filter((j) => j === id)).toHaveLength(1);
    expect(calls.execution.filter((j) => j === id)).toHaveLength(2);
    expect(calls.feedback.filter((j) => j === id)).toHaveLength(1);
    // The retry is the execution phase's own BullMQ job, with its attempts untouched. Feedback ran
    // inline inside it, so the job ends a moment before BullMQ marks that BullMQ job completed.
    const stateOf = async (phase: Phase) => (await phaseJob(phase, id))?.getState();
    await expect.poll(() => stateOf("execution"), { timeout: 10_000 }).toBe("completed");
    expect((await phaseJob("execution", id))?.attemptsMade).toBe(1);
    expect(await redis.hget(`orch:job:{${id}}`, "runs:execution")).toBe("2");
    await expect.poll(() => stateOf("planning"), { timeout: 10_000 }).toBe("completed");
  });

  it("hands an inline phase the job its predecessor's save left, as a read of the record gives it", async () => {
    const id = await submit();
    expect(await ended(id)).toBe("completed");
    const mine = handed.filter((h) => h.job.id === id);
    expect(mine.map((h) => h.phase)).toEqual(PHASES);
    // The save's time and the runner's differ by the milliseconds between them.
    const dated = (job: StoredJob | undefined) => ({ ...job, updated_at: undefined });
    for (const { job, read } of mine) expect(dated(job)).toEqual(dated(read));
    expect(mine[2]?.job.outputs.execution).toEqual({ phase: "execution" });
  });
});
