import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";

describe("many jobs at once", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      config: {
        orchestrator: {
          concurrency: { planning: 16, execution: 16, feedback: 16 },
          // No worker dies here: the default lock keeps a phase whose event loop a loaded machine
          // stalls for seconds from being redelivered, which would count a second run.
          lock_duration_ms: 30_000,
        },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("completes 200 concurrently submitted jobs with distinct results, none lost or duplicated", async () => {
    const services = ["api-gateway", "web-app", "payments", "checkout", "database-cluster"];
    const submissions = Array.from({ length: 200 }, (_, i) => ({
      service_id: `${services[i % services.length]}`,
      user_message: `Question ${i}: how is the service doing over the last ${1 + (i % 23)} hours?`,
    }));
    const ids = await Promise.all(submissions.map((body) => submitJob(h, body)));
    expect(new Set(ids).size).toBe(200);

    const views = await Promise.all(ids.map((id) => waitForJob(h, id, 120)));
    const statuses = views.map((v) => v.status);
    expect(statuses.filter((s) => s === "completed").length).toBe(200);

    // Each job answered its own question: the record carries its own message and window.
    views.forEach((view, i) => {
      expect(view.user_message).toBe(submissions[i]?.user_message);
      const result = view.result as { window: { label: string } };
      const hours = 1 + (i % 23);
      expect(result.window.label).toBe(hours === 1 ? "last hour" : `last ${hours} hours`);
    });

    // Every phase ran exactly once per job (the record counts each start of a phase).
    const redis = new Redis(h.redis.url);
    try {
      for (const id of ids) {
        const runs = await redis.hmget(
          `orch:job:{${id}}`,
          "runs:planning",
          "runs:execution",
          "runs:feedback",
        );
        expect(runs).toEqual(["1", "1", "1"]);
      }
    } finally {
      redis.disconnect();
    }
  }, 180_000);
});
