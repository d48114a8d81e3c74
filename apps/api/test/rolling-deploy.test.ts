import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOB_SCHEMA_VERSION, jobKeys } from "@orch/queue";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";
import { eventually } from "./support/worker-process.js";

const question = { service_id: "checkout", user_message: "How is checkout doing?" };

/**
 * During a rolling deploy old and new processes share Redis. Every job record carries the schema
 * version of its layout and is validated on read: a process meeting a record it does not
 * understand leaves it for one that does, and a damaged one fails clearly.
 */
describe("job records across versions", () => {
  let h: Harness;
  let redis: Redis;
  let planning: Queue;

  beforeAll(async () => {
    h = await startHarness({ workers: false });
    redis = new Redis(h.redis.url);
    planning = new Queue("planning", { connection: redis, prefix: h.config.queue.prefix });
  });
  afterAll(async () => {
    await planning.close();
    redis.disconnect();
    await h.close();
  });

  it("writes the schema version on every new record", async () => {
    const id = await submitJob(h, question);
    expect(await redis.hget(jobKeys.record(id), "schema")).toBe(String(JOB_SCHEMA_VERSION));
    await h.request(`/jobs/${id}`, { method: "DELETE" });
  });

  it("leaves a record of a newer schema unclaimed for a newer worker, and loses nothing", async () => {
    const id = await submitJob(h, question);
    await redis.hset(jobKeys.record(id), "schema", String(JOB_SCHEMA_VERSION + 1));
    await h.startWorkers();

    // The worker met it, did not claim it, and put its phase job back to wait without spending an attempt.
    await eventually(async () => (await planning.getDelayedCount()) >= 1, 20_000, "the phase job to wait");
    const record = await redis.hgetall(jobKeys.record(id));
    expect(record).toMatchObject({ status: "queued" });
    expect(record["runs:planning"]).toBeUndefined();
    const phaseJob = await planning.getJob(`${id}-planning`);
    expect(phaseJob?.attemptsMade).toBe(0);
    // An API process of this version cannot show it either: 503, retry (another instance may).
    const read = await h.request(`/jobs/${id}`);
    expect(read.status).toBe(503);
    expect(read.headers.get("retry-after")).toBe("5");

    // A worker that reads it takes it up (here: the record is made readable, as a newer worker reads it).
    await redis.hset(jobKeys.record(id), "schema", String(JOB_SCHEMA_VERSION));
    const view = await waitForJob(h, id, 60);
    expect(view.status).toBe("completed");
  });

  it("fails a damaged record clearly instead of running it", async () => {
    await h.workers?.close();
    h.workers = undefined;
    const id = await submitJob(h, question);
    await redis.hset(jobKeys.record(id), "request", "{not json");
    await h.startWorkers();

    await eventually(
      async () => (await redis.hget(jobKeys.record(id), "status")) === "failed",
      20_000,
      "the damaged job to fail",
    );
    const error = JSON.parse((await redis.hget(jobKeys.record(id), "error")) ?? "{}") as {
      code: string;
      message: string;
    };
    expect(error.code).toBe("internal");
    expect(error.message).toContain("damaged record (request)");
  });
});
