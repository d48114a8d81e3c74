import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNNING_STATUS, type Phase } from "@orch/core";
import { startFakeDatadog, startFakeOpenAI, type FakeDatadog, type FakeOpenAI } from "@orch/testkit";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";
import { eventually, spawnWorker, type WorkerProcess } from "./support/worker-process.js";

/**
 * Workers run as real processes killed with SIGKILL mid-phase. The fakes make every phase slow
 * (the model and Datadog answer after a delay) so the kill lands while the phase is working.
 */
describe("a worker killed with SIGKILL", () => {
  let h: Harness;
  let openai: FakeOpenAI;
  let datadog: FakeDatadog;
  let redis: Redis;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    openai = await startFakeOpenAI({ handler: () => ({ kind: "default", delay_ms: 1500 }) });
    datadog = await startFakeDatadog();
    datadog.inject({ kind: "slow", delay_ms: 1200, path: "/api/v1/query", times: Infinity });
    h = await startHarness({
      workers: false,
      env: {
        OPENAI_API_KEY: openai.apiKey,
        OPENAI_BASE_URL: openai.url,
        DATADOG_API_KEY: datadog.apiKey,
        DATADOG_APP_KEY: datadog.appKey,
        DATADOG_API_URL: datadog.url,
      },
    });
    redis = new Redis(h.redis.url);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill("SIGKILL")));
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

  /** The upstream call that shows the phase is mid-work. */
  const inProgress: Record<Phase, (question: string, queriesBefore: number) => boolean> = {
    planning: (q) => asked(q, "plan") >= 1,
    execution: (_q, before) => datadog.count("/api/v1/query") > before,
    feedback: (q) => asked(q, "answer") >= 1,
  };

  it.each(["planning", "execution", "feedback"] as const)(
    "during %s: the job completes after a new worker starts, and finished phases do not run again",
    async (phase) => {
      const question = `Why are 5xx errors up? (crash drill ${randomUUID()})`;
      const first = spawnWorker(h.env);
      workers.push(first);
      const queriesBefore = datadog.count("/api/v1/query");
      // A service of its own per case, so no earlier case's cached reads hide this one's Datadog calls.
      const id = await submitJob(h, { service_id: `crash-drill-${phase}`, user_message: question });

      await eventually(
        async () =>
          (await redis.hget(`orch:job:{${id}}`, "status")) === RUNNING_STATUS[phase] &&
          inProgress[phase](question, queriesBefore),
        60_000,
        `${phase} to be in progress`,
      );
      // Execution and feedback run inline, in the planning job (no queue hop): the kill lands in an
      // inline phase, and its job reaches a queue only when the redelivered planning job queues it.
      const queued = (p: Phase) => redis.exists(`{orch}:${p}:${id}-${p}`);
      if (phase !== "planning") expect(await queued(phase)).toBe(0);
      await first.kill("SIGKILL");

      const second = spawnWorker(h.env);
      workers.push(second);
      const view = await waitForJob(h, id, 90);
      expect(view.status, second.output()).toBe("completed");

      const runs = await redis.hmget(`orch:job:{${id}}`, "runs:planning", "runs:execution", "runs:feedback");
      const expected = { planning: ["2", "1", "1"], execution: ["1", "2", "1"], feedback: ["1", "1", "2"] }[
        phase
      ];
      expect(runs).toEqual(expected);
      // The phase killed inline was queued after the redelivery (a phase after it ran inline again).
      if (phase !== "planning") expect(await queued(phase)).toBe(1);
      // Counted at the model: the plan is asked again only if planning was the killed phase.
      expect(asked(question, "plan")).toBe(phase === "planning" ? 2 : 1);
      expect(asked(question, "answer")).toBe(phase === "feedback" ? 2 : 1);

      const trace = (await (await h.request(`/jobs/${id}/trace`)).json()) as {
        phases: string[];
        reasoner: string;
        data_source: string;
      };
      expect(trace.phases).toEqual(["planning", "execution", "feedback"]);
      expect(trace.reasoner).toMatch(/^openai:/);
      expect(trace.data_source).toBe("datadog");
      await second.kill("SIGTERM");
    },
    120_000,
  );
});
