import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PHASES } from "@orch/core";
import { globalKeys } from "@orch/queue";
import { startFakeDatadog, type FakeDatadog } from "@orch/testkit";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";
import { eventually } from "./support/worker-process.js";

interface StreamEvent {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** The job's event stream as stored (ids carry the ms they were written at). */
async function eventsOf(redis: Redis, id: string): Promise<StreamEvent[]> {
  const entries = await redis.xrange(`orch:job:{${id}}:events`, "-", "+");
  return entries.map(([eid, fields]) => {
    const map = Object.fromEntries(
      fields.flatMap((_, i) => (i % 2 === 0 ? [[fields[i], fields[i + 1]]] : [])),
    ) as Record<string, string>;
    return { id: eid, type: map.type ?? "", data: JSON.parse(map.data ?? "{}") as Record<string, unknown> };
  });
}

const msOf = (eventId: string) => Number(eventId.split("-")[0]);

/**
 * Upstream faults degrade a job instead of failing it (the trace says which data is missing), so
 * what a phase retries is a fault of the orchestrator's own infrastructure. The test makes one
 * real Redis command fail: the session the job reads holds a value of the wrong type (WRONGTYPE)
 * until the test repairs it.
 */
describe("a phase that fails", () => {
  let h: Harness;
  let redis: Redis;
  const BACKOFF_MS = 800;
  beforeAll(async () => {
    h = await startHarness({ config: { orchestrator: { retry_attempts: 3, retry_backoff_ms: BACKOFF_MS } } });
    redis = new Redis(h.redis.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
  });

  /** Breaks the session of `alice` (the harness token's owner) so reading it fails. */
  async function breakSession(session: string): Promise<string> {
    const key = globalKeys.sessionMessages(`alice:${session}`);
    await redis.set(key, "not a list");
    return key;
  }

  it("is retried with backoff after a transient failure, and the job completes", async () => {
    const session = `flaky-${randomUUID()}`;
    const key = await breakSession(session);
    const id = await submitJob(h, {
      service_id: "web-app",
      session_id: session,
      user_message: "How is CPU?",
    });

    await eventually(
      async () => (await eventsOf(redis, id)).some((e) => e.type === "retry"),
      20_000,
      "the first attempt to fail",
    );
    await redis.del(key);
    const view = await waitForJob(h, id);
    expect(view.status).toBe("completed");

    const events = await eventsOf(redis, id);
    const retries = events.filter((e) => e.type === "retry");
    expect(retries).toHaveLength(1);
    expect(retries[0]!.data).toMatchObject({ phase: "planning", attempt: 1, attempts: 3 });
    expect(String(retries[0]!.data.error)).toMatch(/WRONGTYPE/);
    // The second run began only after the backoff.
    const rerun = events.find((e) => e.type === "status" && e.data.phase === "planning" && e.data.run === 2);
    expect(rerun).toBeDefined();
    expect(msOf(rerun!.id) - msOf(retries[0]!.id)).toBeGreaterThanOrEqual(BACKOFF_MS - 50);
    expect(await redis.hget(`orch:job:{${id}}`, "runs:planning")).toBe("2");
  });

  it("fails the job with a clear error after the last attempt", async () => {
    const session = `broken-${randomUUID()}`;
    await breakSession(session);
    const id = await submitJob(h, {
      service_id: "web-app",
      session_id: session,
      user_message: "How is CPU?",
    });
    const view = (await waitForJob(h, id)) as { status: string; error: Record<string, unknown> };
    expect(view.status).toBe("failed");
    expect(view.error).toMatchObject({ code: "internal", phase: "planning" });
    expect(String(view.error.message)).toMatch(/^planning failed: WRONGTYPE Operation against a key holding/);

    const retries = (await eventsOf(redis, id)).filter((e) => e.type === "retry");
    expect(retries.map((e) => e.data.attempt)).toEqual([1, 2]);
    expect(await redis.hget(`orch:job:{${id}}`, "runs:planning")).toBe("3");
  });

  it("adds phase jobs with the retention policy (removeOnComplete, removeOnFail), completed and failed alike", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is memory?" });
    expect((await waitForJob(h, id)).status).toBe("completed");
    const broken = `retention-${randomUUID()}`;
    await breakSession(broken);
    const failed = await submitJob(h, {
      service_id: "web-app",
      session_id: broken,
      user_message: "How is memory now?",
    });
    expect((await waitForJob(h, failed)).status).toBe("failed");

    const connection = new Redis(h.redis.url, { maxRetriesPerRequest: null });
    try {
      for (const phase of PHASES) {
        const queue = new Queue(phase, { connection, prefix: h.config.queue.prefix });
        const job = await queue.getJob(`${id}-${phase}`);
        // A phase after planning usually runs inline, in the planning job: it has no job of its own.
        if (phase !== "planning" && !job) {
          await queue.close();
          continue;
        }
        expect(await job?.getState(), phase).toBe("completed");
        expect(job?.opts).toMatchObject({
          attempts: 3,
          removeOnComplete: { age: 3600, count: 10_000 },
          removeOnFail: { age: 7 * 86_400, count: 50_000 },
        });
        if (phase === "planning") {
          // The record fails before BullMQ moves the phase job to failed.
          const lostState = async () =>
            (await (await queue.getJob(`${failed}-planning`))?.getState()) === "failed";
          await eventually(lostState, 10_000, "the failed job's planning job to be failed");
          const lost = await queue.getJob(`${failed}-planning`);
          expect(lost?.opts).toMatchObject({ removeOnFail: { age: 7 * 86_400, count: 50_000 } });
        }
        await queue.close();
      }
    } finally {
      connection.disconnect();
    }
  });
});

describe("a phase job that BullMQ fails for stalling too often", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ workers: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("fails the job at once with a message that says so, instead of leaving it running until its deadline", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is web-app?" });
    // A worker that takes the planning job and then stops renewing its lock, as a frozen or
    // killed process does; its stall checker allows no stall, so BullMQ marks the job to fail.
    const connection = new Redis(h.redis.url, { maxRetriesPerRequest: null });
    const frozen = new Worker("planning", undefined, {
      connection,
      prefix: h.config.queue.prefix,
      autorun: false,
      lockDuration: 1000,
      stalledInterval: 500,
      maxStalledCount: 0,
    });
    const queue = new Queue("planning", { connection, prefix: h.config.queue.prefix });
    try {
      const taken = await frozen.getNextJob(randomUUID());
      expect(taken?.id).toBe(`${id}-planning`);
      void frozen.startStalledCheckTimer();
      await eventually(
        async () => (await queue.getJob(`${id}-planning`))?.deferredFailure !== undefined,
        20_000,
        "BullMQ to give up on the stalled job",
      );
    } finally {
      await frozen.close(true);
      await queue.close();
      connection.disconnect();
    }

    // The next worker to receive it fails it without running it; the record must say so now.
    const started = Date.now();
    await h.startWorkers();
    const view = (await waitForJob(h, id, 20)) as { status: string; error: Record<string, unknown> };
    expect(view.status).toBe("failed");
    expect(view.error).toMatchObject({ code: "internal", phase: "planning" });
    expect(String(view.error.message)).toMatch(
      /^planning failed: its worker stopped or lost the job too many times \(BullMQ: job stalled more than allowable limit\)/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("the job's deadline", () => {
  let h: Harness;
  let datadog: FakeDatadog;
  beforeAll(async () => {
    datadog = await startFakeDatadog();
    // Metric discovery (planning) hangs far past the deadline; nothing else is slow. (Execution's
    // reads end at the job's read-by time instead: see the next describe.)
    datadog.inject({ kind: "slow", delay_ms: 60_000, path: "/api/v1/metrics", times: Infinity });
    h = await startHarness({
      env: { DATADOG_API_KEY: datadog.apiKey, DATADOG_APP_KEY: datadog.appKey, DATADOG_API_URL: datadog.url },
      config: {
        orchestrator: { job_deadline_seconds: 10 },
        datadog: { request_timeout_ms: 120_000, max_retries: 0 },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await datadog?.close();
  });

  it("aborts the running phase when it passes, and the record says deadline_exceeded", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is CPU on web-app?" });
    const view = (await waitForJob(h, id, 40)) as {
      status: string;
      error: Record<string, unknown>;
      created_at: string;
      finished_at: string;
    };
    expect(view.status).toBe("failed");
    // Ended by the running phase itself (the sweeper's message names no phase).
    expect(view.error).toMatchObject({
      code: "deadline_exceeded",
      phase: "planning",
      message: "the job ran past its deadline",
    });
    const took = Date.parse(view.finished_at) - Date.parse(view.created_at);
    expect(took).toBeGreaterThanOrEqual(10_000);
    expect(took).toBeLessThan(12_000);
    expect(datadog.count("/api/v1/metrics")).toBeGreaterThan(0);
  }, 60_000);
});

describe("reads that outlast the job's read-by time", () => {
  let h: Harness;
  let datadog: FakeDatadog;
  beforeAll(async () => {
    datadog = await startFakeDatadog();
    // Every metric query hangs far past the deadline; nothing else is slow.
    datadog.inject({ kind: "slow", delay_ms: 60_000, path: "/api/v1/query", times: Infinity });
    h = await startHarness({
      env: { DATADOG_API_KEY: datadog.apiKey, DATADOG_APP_KEY: datadog.appKey, DATADOG_API_URL: datadog.url },
      config: {
        orchestrator: { job_deadline_seconds: 12 },
        datadog: { request_timeout_ms: 120_000, max_retries: 0 },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await datadog?.close();
  });

  it("are given up in time for the answer, which says what was not read", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is CPU on web-app?" });
    const view = (await waitForJob(h, id, 40)) as { status: string; created_at: string; finished_at: string };

    expect(view.status).toBe("completed");
    expect(Date.parse(view.finished_at) - Date.parse(view.created_at)).toBeLessThan(12_000);
    const trace = (await (await h.request(`/jobs/${id}/trace`)).json()) as {
      steps: Array<{ name: string; status: string; error?: string }>;
    };
    const metrics = trace.steps.filter((s) => s.name.startsWith("metrics:"));
    expect(metrics.length).toBeGreaterThan(0);
    expect(metrics.every((s) => s.status === "error" && (s.error ?? "").includes("not read"))).toBe(true);
    expect(datadog.count("/api/v1/query")).toBeGreaterThan(0);
  }, 60_000);
});

/**
 * A phase is queued in the same round trip as the save of the phase before it, so if that save
 * failed, the next phase can start first. It must wait for the save, not run without its input.
 */
describe("a phase queued before the phase ahead of it saved", () => {
  let h: Harness;
  let redis: Redis;
  beforeAll(async () => {
    h = await startHarness({ workers: false });
    redis = new Redis(h.redis.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await h?.close();
  });

  it("waits without spending an attempt, then runs once the input is saved", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is CPU on web-app?" });
    // Execution is queued before planning has run at all: as if planning's save had failed.
    const execution = new Queue("execution", { connection: redis, prefix: h.config.queue.prefix });
    await execution.add("execution", { job_id: id }, { jobId: `${id}-execution`, attempts: 1 });
    await execution.close();
    await h.startWorkers();
    const view = (await waitForJob(h, id, 60)) as { status: string };
    expect(view.status).toBe("completed");
    const runs = await redis.hmget(`orch:job:{${id}}`, "runs:planning", "runs:execution", "runs:feedback");
    expect(runs).toEqual(["1", "1", "1"]);
  }, 90_000);
});
