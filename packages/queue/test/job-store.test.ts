import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StepDraft } from "@orch/core";
import { startRedis, type RedisServer } from "@orch/testkit";
import { gunzipSync, gzipSync } from "node:zlib";
import {
  BROTLI_FROM_SCHEMA,
  EncodedOutput,
  JobEvents,
  JobStore,
  decodeOutput,
  jobAfterSave,
  jobKeys,
  type PhaseSave,
} from "../src/index.js";

const step = (name: string): StepDraft => ({
  kind: "tool",
  name,
  started_at: new Date().toISOString(),
  duration_ms: 1,
  status: "ok",
  summary: name,
});

describe("JobStore", () => {
  let server: RedisServer;
  let redis: Redis;
  let store: JobStore;
  let now = Date.now();

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });
  beforeEach(() => {
    now = Date.now();
    store = new JobStore(redis, { retentionSeconds: 600, now: () => now });
  });

  const create = async (owner = "alice") => {
    const job = await store.create({
      owner,
      request: { service_id: "web-app", user_message: "hi" },
      deadlineMs: now + 60_000,
    });
    return job.id;
  };

  it("creates a queued job visible to its owner only, and returns it as stored", async () => {
    const created = await store.create({
      owner: "alice",
      request: { service_id: "web-app", user_message: "hi" },
      deadlineMs: now + 60_000,
    });
    const id = created.id;
    expect(await store.get(id)).toEqual(created);
    expect((await store.get(id))?.status).toBe("queued");
    expect(await store.getOwned(id, "alice")).toBeDefined();
    expect(await store.getOwned(id, "bob")).toBeUndefined();
  });

  it("keeps a new job in the unqueued set until it is marked queued", async () => {
    const id = await create();
    expect(await store.unqueued(0)).toContain(id);
    now += 20_000;
    expect(await store.unqueued(15_000)).toContain(id);
    await store.markQueued(id);
    expect(await store.unqueued(0)).not.toContain(id);
  });

  it("counts an owner's unfinished jobs, not those past their deadline or ended", async () => {
    const first = await create("carol");
    await create("carol");
    expect(await store.inFlight("carol")).toBe(2);
    await store.end(first, "cancelled", { code: "cancelled", message: "x" });
    expect(await store.inFlight("carol")).toBe(1);
    now += 61_000;
    expect(await store.inFlight("carol")).toBe(0);
  });

  it("tells each of concurrent submissions how many of the owner's jobs were in flight before it", async () => {
    // Two connections, as two API instances would submit: the count and the add are one step.
    const connection = redis.duplicate();
    const other = new JobStore(connection, { retentionSeconds: 600, now: () => now });
    const newJob = { owner: "dave", request: { service_id: "web-app", user_message: "hi" } };
    try {
      const created = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? other : store).createCounted({ ...newJob, deadlineMs: now + 60_000 }),
        ),
      );
      expect(created.map((c) => c.inFlightBefore).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(await store.inFlight("dave")).toBe(6);
      // Jobs past their deadline are not counted.
      now += 61_000;
      expect((await store.createCounted({ ...newJob, deadlineMs: now + 60_000 })).inFlightBefore).toBe(0);
    } finally {
      connection.disconnect();
    }
  });

  it("runs a phase once: a second begin after completion reports it done", async () => {
    const id = await create();
    expect(await store.beginPhase(id, "planning", "planning")).toEqual({ state: "started", runs: 1 });
    expect(
      await store.completePhase(
        id,
        "planning",
        { plan: 1 },
        [step("a"), step("b")],
        { datadog_calls: 2 },
        "executing",
      ),
    ).toBe(true);
    expect(await store.beginPhase(id, "planning", "planning")).toEqual({ state: "done" });
    expect(await store.completePhase(id, "planning", { plan: 2 }, [step("c")], {}, "executing")).toBe(false);
    const job = await store.get(id);
    expect(job?.outputs.planning).toEqual({ plan: 1 });
    expect(job?.usage.datadog_calls).toBe(2);
    expect((await store.steps(id)).map((s) => [s.index, s.phase, s.name])).toEqual([
      [0, "planning", "a"],
      [1, "planning", "b"],
    ]);
  });

  it("saves a phase and claims the next in one script; the job after the save is what a read gives", async () => {
    const id = await create();
    await store.beginPhase(id, "planning", "planning");
    const before = await store.get(id, []);
    const fields = { reasoner: "offline", service_scope: '{"service":"web-app"}', "work_ms:planning": "12" };
    const claim = { phase: "execution", round: 1, status: "executing" } as const;
    const output = { plan: { steps: [1, 2] }, gone: undefined };
    const usage = { datadog_calls: 3 };
    const begin = await store.completeAndBegin(
      id,
      { phase: "planning", output, steps: [step("a")], usage, fields },
      claim,
    );
    expect(begin).toEqual({ state: "started", runs: 1 });
    const save = {
      phase: "planning",
      round: 1,
      usage,
      stepCount: 1,
      fields,
      at: new Date(now).toISOString(),
    };
    const after = jobAfterSave(before!, { ...save, output: { plan: { steps: [1, 2] } } } as PhaseSave, {
      ...claim,
      runs: 1,
    });
    expect(after).toEqual(await store.get(id, ["planning"]));
    // The claim was the phase's only one: a second begin counts a second run.
    expect(await store.beginPhase(id, "execution", "executing")).toEqual({ state: "started", runs: 2 });
  });

  it("saves but does not claim the next phase past the deadline, and claims nothing for a refused save", async () => {
    const id = await create();
    await store.beginPhase(id, "planning", "planning");
    now += 61_000;
    const claim = { phase: "execution", round: 1, status: "executing" } as const;
    expect(
      await store.completeAndBegin(id, { phase: "planning", output: {}, steps: [], usage: {} }, claim),
    ).toEqual({ state: "expired" });
    expect(await redis.hget(jobKeys.record(id), "runs:execution")).toBeNull();
    expect(
      await store.completeAndBegin(id, { phase: "planning", output: {}, steps: [], usage: {} }, claim),
    ).toBeUndefined();
  });

  it("makes a phase wait while the phase before it has not saved its output", async () => {
    const id = await create();
    expect(await store.beginPhase(id, "execution", "executing")).toEqual({ state: "waiting" });
    await store.beginPhase(id, "planning", "planning");
    await store.completePhase(id, "planning", { plan: 1 }, [], {}, "executing");
    expect(await store.beginPhase(id, "execution", "executing")).toEqual({ state: "started", runs: 1 });
  });

  it("counts a restarted phase as a second run", async () => {
    const id = await create();
    await store.beginPhase(id, "planning", "planning");
    expect(await store.beginPhase(id, "planning", "planning")).toEqual({ state: "started", runs: 2 });
  });

  it("lets only one of two concurrent completions win", async () => {
    const id = await create();
    await store.beginPhase(id, "planning", "planning");
    const results = await Promise.all([
      store.completePhase(id, "planning", { by: 1 }, [step("x")], {}, "executing"),
      store.completePhase(id, "planning", { by: 2 }, [step("y")], {}, "executing"),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.steps(id)).toHaveLength(1);
    const saved = (await store.get(id))?.outputs.planning as unknown as { by: number };
    expect(saved.by).toBe(results[0] ? 1 : 2);
    // The loser's staged output is dropped, not left behind.
    expect(await redis.exists(jobKeys.staged(id, "planning"))).toBe(0);
  });

  it("refuses to save a phase of a cancelled job", async () => {
    const id = await create();
    await store.beginPhase(id, "planning", "planning");
    expect(await store.end(id, "cancelled", { code: "cancelled", message: "by the user" })).toBe("cancelled");
    expect(await store.completePhase(id, "planning", {}, [], {}, "executing")).toBe(false);
    expect(await redis.exists(jobKeys.output(id, "planning"))).toBe(0);
    expect(await store.beginPhase(id, "execution", "executing")).toEqual({
      state: "terminal",
      status: "cancelled",
    });
    // Ending again keeps the first outcome.
    expect(await store.end(id, "failed", { code: "internal", message: "late" })).toBe("cancelled");
  });

  it("refuses to start a phase past the deadline", async () => {
    const id = await create();
    now += 61_000;
    expect(await store.beginPhase(id, "planning", "planning")).toEqual({ state: "expired" });
    expect(await store.expired()).toContain(id);
  });

  it("completes a job and sets the retention on all its keys", async () => {
    const id = await create();
    for (const [phase, next] of [
      ["planning", "executing"],
      ["execution", "synthesizing"],
      ["feedback", "completed"],
    ] as const) {
      await store.beginPhase(
        id,
        phase,
        phase === "planning" ? "planning" : phase === "execution" ? "executing" : "synthesizing",
      );
      await store.completePhase(id, phase, { phase }, [step(phase)], {}, next);
    }
    const job = await store.get(id);
    expect(job?.status).toBe("completed");
    expect(job?.finished_at).toBeTruthy();
    const outputs = (["planning", "execution", "feedback"] as const).map((p) => jobKeys.output(id, p));
    for (const key of [jobKeys.record(id), jobKeys.steps(id), jobKeys.events(id), ...outputs]) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600);
    }
    expect(await store.expired()).not.toContain(id);
    expect(job?.saved).toEqual(["planning", "execution", "feedback"]);
    expect(job?.outputs).toEqual({ planning: { phase: "planning" }, feedback: { phase: "feedback" } });
    expect((await store.get(id, ["execution"]))?.outputs).toEqual({ execution: { phase: "execution" } });
    const trace = await store.trace(job!);
    expect(trace.phases).toEqual(["planning", "execution", "feedback"]);
    expect(trace.total_steps).toBe(3);
  });

  it("wakes a waiter as soon as the job ends, and at once when it already had", async () => {
    const subscriber = new Redis(server.url);
    const events = new JobEvents(subscriber);
    try {
      const id = await create();
      const waiting = events.waitForEnd(id, 10_000, () => store.status(id));
      // Once the waiter listens, only the end notice can wake it before its 10 s timeout.
      while (events.listenerCount === 0) await new Promise((r) => setTimeout(r, 5));
      await store.end(id, "failed", { code: "internal", message: "boom" });
      expect(await waiting).toBe("ended");
      expect(await events.waitForEnd(id, 10_000, () => store.status(id))).toBe("ended");
      const other = await create();
      expect(await events.waitForEnd(other, 100, () => store.status(other))).toBe("timeout");
      expect(events.listenerCount).toBe(0);
    } finally {
      await events.close();
      subscriber.disconnect();
    }
  });

  it("stores a large output brotli-compressed, reads it back whole, and still reads gzip and plain outputs", async () => {
    const id = await create();
    const evidence = {
      window: { start: 0, end: 1, label: "x" },
      results: Array.from({ length: 50 }, (_, i) => ({ step_id: `m${i}`, points: [[i, i * 1.5]] })),
      data_source: "demo",
    };
    await store.beginPhase(id, "planning", "planning");
    await store.completePhase(
      id,
      "planning",
      { plan: { steps: [] }, available_metrics: [] },
      [],
      {},
      "executing",
    );
    await store.beginPhase(id, "execution", "executing");
    await store.completePhase(id, "execution", evidence, [], {}, "synthesizing");

    const stored = await redis.getBuffer(jobKeys.output(id, "execution"));
    expect(stored?.subarray(0, 2)).toEqual(Buffer.from([0x00, 0x62]));
    expect(stored!.length).toBeLessThan(JSON.stringify(evidence).length / 3);
    expect((await store.get(id, ["execution"]))?.outputs.execution).toEqual(evidence);
    // Outputs of records an older version created are gzip-compressed or plain JSON: still read.
    await redis.set(jobKeys.output(id, "execution"), gzipSync(JSON.stringify(evidence)));
    expect((await store.get(id, ["execution"]))?.outputs.execution).toEqual(evidence);
    await redis.set(jobKeys.output(id, "execution"), JSON.stringify(evidence));
    expect((await store.get(id, ["execution"]))?.outputs.execution).toEqual(evidence);
  });

  it("compresses with gzip the outputs of a record an older version created, which it can still read", async () => {
    const evidence = {
      results: Array.from({ length: 50 }, (_, i) => ({ step_id: `m${i}`, points: [[i, i]] })),
    };
    const older = await EncodedOutput.of(evidence, BROTLI_FROM_SCHEMA - 1);
    expect(Buffer.from(older.data).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(JSON.parse(gunzipSync(older.data).toString("utf8"))).toEqual(evidence);
    const current = await EncodedOutput.of(evidence);
    expect(JSON.parse(await decodeOutput(Buffer.from(current.data)))).toEqual(evidence);
    // Small outputs stay plain JSON, whatever the version.
    expect((await EncodedOutput.of({ a: 1 })).data).toBe('{"a":1}');
  });

  it("keeps an ended job's evidence for less time than its answer", async () => {
    const short = new JobStore(redis, {
      retentionSeconds: 600,
      evidenceRetentionSeconds: 60,
      now: () => now,
    });
    const job = await short.create({
      owner: "alice",
      request: { service_id: "web-app", user_message: "hi" },
      deadlineMs: now + 60_000,
    });
    const id = job.id;
    await short.beginPhase(id, "planning", "planning");
    await short.completePhase(
      id,
      "planning",
      { plan: { steps: [] }, available_metrics: [] },
      [],
      {},
      "executing",
    );
    await short.beginPhase(id, "execution", "executing");
    await short.completePhase(id, "execution", { results: [] }, [], {}, "synthesizing");
    await short.beginPhase(id, "feedback", "synthesizing");
    await short.completePhase(id, "feedback", { answer: "done" }, [], {}, "completed");

    const evidenceTtl = await redis.ttl(jobKeys.output(id, "execution"));
    const answerTtl = await redis.ttl(jobKeys.output(id, "feedback"));
    expect(evidenceTtl).toBeGreaterThan(0);
    expect(evidenceTtl).toBeLessThanOrEqual(60);
    expect(answerTtl).toBeGreaterThan(500);
  });
});
