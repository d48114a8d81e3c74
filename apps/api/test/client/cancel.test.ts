import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNNING_STATUS, type Phase } from "@orch/core";
import { startFakeDatadog, startFakeOpenAI, type FakeDatadog, type FakeOpenAI } from "@orch/testkit";
import {
  OTHER_TOKEN,
  startHarness,
  submitJob,
  waitForJob,
  type Harness,
} from "../support/orchestrator-harness.js";
import { eventually } from "../support/worker-process.js";

/** How long a stalled upstream call would take: far longer than a cancelled phase may run. */
const STALL_MS = 25_000;

interface Problem {
  status: number;
  code: string;
  detail: string;
}

function phaseQueues(redisUrl: string) {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queues = {
    planning: new Queue("planning", { connection, prefix: "{orch}" }),
    execution: new Queue("execution", { connection, prefix: "{orch}" }),
    feedback: new Queue("feedback", { connection, prefix: "{orch}" }),
  };
  return {
    queues,
    /** The BullMQ state of a job's phase, or "absent" when it was never queued or was removed. */
    async state(id: string, phase: Phase): Promise<string> {
      const job = await queues[phase].getJob(`${id}-${phase}`);
      return job ? await job.getState() : "absent";
    },
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
      connection.disconnect();
    },
  };
}

describe("DELETE /jobs/:id on a queued job", () => {
  let h: Harness;
  let bull: ReturnType<typeof phaseQueues>;
  let redis: Redis;
  beforeAll(async () => {
    h = await startHarness({ workers: false });
    bull = phaseQueues(h.redis.url);
    redis = new Redis(h.redis.url);
  });
  afterAll(async () => {
    await bull?.close();
    redis?.disconnect();
    await h?.close();
  });

  it("cancels it and removes its planning job from the queue, so planning never starts", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is web-app doing?" });
    expect(await bull.state(id, "planning")).toBe("waiting");

    const res = await h.request(`/jobs/${id}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    const view = (await res.json()) as {
      status: string;
      error: { code: string };
      finished_at: string | null;
    };
    expect(view.status).toBe("cancelled");
    expect(view.error.code).toBe("cancelled");
    expect(view.finished_at).toBeTruthy();
    expect(await bull.state(id, "planning")).toBe("absent");

    // Workers that start now run the next job to the end, and never the cancelled one.
    await h.startWorkers();
    const later = await submitJob(h, { service_id: "web-app", user_message: "And how is it now?" });
    expect((await waitForJob(h, later, 60)).status).toBe("completed");
    expect(await redis.hmget(`orch:job:{${id}}`, "runs:planning", "runs:execution", "runs:feedback")).toEqual(
      [null, null, null],
    );
    expect(((await (await h.request(`/jobs/${id}`)).json()) as { status: string }).status).toBe("cancelled");
  });

  it("answers 409 for a job that already ended, saying how and when", async () => {
    if (!h.workers) await h.startWorkers();
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is memory on web-app?" });
    const done = await waitForJob(h, id, 60);
    expect(done.status).toBe("completed");
    const res = await h.request(`/jobs/${id}`, { method: "DELETE" });
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
    const problem = (await res.json()) as Problem;
    expect(problem.code).toBe("conflict");
    expect(problem.detail).toContain(`already completed at ${String(done.finished_at)}`);
    expect(problem).toMatchObject({ job_id: id, job_status: "completed", finished_at: done.finished_at });

    const cancelled = await submitJob(h, { service_id: "web-app", user_message: "Is web-app healthy?" });
    await h.request(`/jobs/${cancelled}`, { method: "DELETE" });
    const again = (await (await h.request(`/jobs/${cancelled}`, { method: "DELETE" })).json()) as Problem;
    expect(again.status).toBe(409);
    expect(again.detail).toMatch(/already cancelled at /);
  });

  it("does not let another token cancel a job, or learn that it exists", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "Is web-app fine?" });
    expect((await h.request(`/jobs/${id}`, { method: "DELETE", token: OTHER_TOKEN })).status).toBe(404);
    expect((await h.request("/jobs/doesnotexist123", { method: "DELETE" })).status).toBe(404);
  });
});

describe("DELETE /jobs/:id on a running job", () => {
  let h: Harness;
  let openai: FakeOpenAI;
  let datadog: FakeDatadog;
  let bull: ReturnType<typeof phaseQueues>;
  let redis: Redis;

  beforeAll(async () => {
    openai = await startFakeOpenAI();
    datadog = await startFakeDatadog();
    h = await startHarness({
      env: {
        OPENAI_API_KEY: openai.apiKey,
        OPENAI_BASE_URL: openai.url,
        DATADOG_API_KEY: datadog.apiKey,
        DATADOG_APP_KEY: datadog.appKey,
        DATADOG_API_URL: datadog.url,
      },
    });
    bull = phaseQueues(h.redis.url);
    redis = new Redis(h.redis.url);
  });
  afterAll(async () => {
    await bull?.close();
    redis?.disconnect();
    await h?.close();
    await openai?.close();
    await datadog?.close();
  });

  const asked = (question: string, schema: "plan" | "answer") =>
    openai.requests.filter(
      (r) =>
        r.body.response_format?.json_schema?.name === schema &&
        r.body.messages.some((m) => m.content.includes(question)),
    ).length;
  const queriesFor = (service: string) =>
    datadog.requests.filter(
      (r) => r.path.startsWith("/api/v1/query") && (r.query.query ?? "").includes(`service:${service}`),
    ).length;

  /** Stalls the upstream call the phase is making, and says when it is in flight. */
  const stall: Record<Phase, (question: string, service: string) => () => boolean> = {
    planning: (question) => {
      openai.setHandler((req) =>
        req.response_format?.json_schema?.name === "plan"
          ? { kind: "default", delay_ms: STALL_MS }
          : { kind: "default" },
      );
      return () => asked(question, "plan") >= 1;
    },
    execution: (_question, service) => {
      datadog.inject({ kind: "slow", delay_ms: STALL_MS, path: "/api/v1/query", times: Infinity });
      return () => queriesFor(service) >= 1;
    },
    feedback: (question) => {
      openai.setHandler((req) =>
        req.response_format?.json_schema?.name === "answer"
          ? { kind: "default", delay_ms: STALL_MS }
          : { kind: "default" },
      );
      return () => asked(question, "answer") >= 1;
    },
  };

  it.each(["planning", "execution", "feedback"] as const)(
    "during %s: the phase stops, nothing after it starts, and the job reads cancelled",
    async (phase) => {
      openai.reset();
      datadog.reset();
      const service = `cancel-${phase}`;
      const question = `Why are 5xx errors up? (cancel drill ${randomUUID()})`;
      const inFlight = stall[phase](question, service);
      const id = await submitJob(h, {
        service_id: service,
        user_message: question,
        session_id: `cancel-${phase}`,
      });
      await eventually(
        async () => (await redis.hget(`orch:job:{${id}}`, "status")) === RUNNING_STATUS[phase] && inFlight(),
        30_000,
        `${phase} to be in flight`,
      );

      const cancelledAt = Date.now();
      const res = await h.request(`/jobs/${id}`, { method: "DELETE" });
      expect(res.status).toBe(200);
      const view = (await res.json()) as {
        status: string;
        error: { code: string; phase: string };
        result: unknown;
      };
      expect(view).toMatchObject({ status: "cancelled", error: { code: "cancelled", phase }, result: null });

      // The running phase stops at once rather than waiting out its stalled upstream call.
      // Phases after planning run inline in the planning job: that is the job that stops.
      await eventually(
        async () =>
          ["completed", "failed"].includes(await bull.state(id, "planning")) &&
          ["completed", "failed", "absent"].includes(await bull.state(id, phase)),
        20_000,
        `${phase} job to stop`,
      );
      expect(Date.now() - cancelledAt).toBeLessThan(STALL_MS);

      const later = { planning: ["execution", "feedback"], execution: ["feedback"], feedback: [] }[
        phase
      ] as Phase[];
      for (const next of later) expect(await bull.state(id, next)).toBe("absent");
      const runs = await redis.hmget(`orch:job:{${id}}`, "runs:planning", "runs:execution", "runs:feedback");
      expect(runs).toEqual(
        { planning: ["1", null, null], execution: ["1", "1", null], feedback: ["1", "1", "1"] }[phase],
      );
      expect(await redis.hexists(`orch:job:{${id}}`, `saved:${phase}`)).toBe(0);
      expect(await redis.exists(`orch:job:{${id}}:out:${phase}`)).toBe(0);

      // Counted at the fakes: no upstream work of a later phase happened.
      if (phase === "planning") expect(queriesFor(service)).toBe(0);
      if (phase !== "feedback") expect(asked(question, "answer")).toBe(0);
      const after = await h.request(`/jobs/${id}`);
      expect(((await after.json()) as { status: string }).status).toBe("cancelled");
      expect((await h.request(`/sessions/cancel-${phase}/messages`)).status).toBe(404);
    },
    90_000,
  );
});
