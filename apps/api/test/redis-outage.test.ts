import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "@orch/testkit";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";

/** Redis going away is an outage to report (503, retry), not a bug (500); coming back heals it. */
describe("when Redis is unreachable", () => {
  let h: Harness;
  let restarted: RedisServer | undefined;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    // Close the service while its Redis is up: BullMQ's close talks to Redis.
    await h?.close();
    await restarted?.stop();
  });

  it("answers 503 with Retry-After, stays live, and recovers when Redis returns", async () => {
    const before = await submitJob(h, { service_id: "web-app", user_message: "How is it doing?" });
    expect((await waitForJob(h, before, 30)).status).toBe("completed");

    await h.redis.stop();
    const post = await h.request("/jobs", {
      method: "POST",
      body: JSON.stringify({ service_id: "web-app", user_message: "How is it doing now?" }),
    });
    expect(post.status).toBe(503);
    expect(post.headers.get("retry-after")).toBe("5");
    expect(((await post.json()) as { detail: string }).detail).toMatch(/Redis/);
    expect((await h.request(`/jobs/${before}`)).status).toBe(503);
    expect((await h.request("/healthz", { token: null })).status).toBe(200);
    expect((await h.request("/readyz", { token: null })).status).toBe(503);

    // The same port again, as a restarted Redis would be; clients reconnect by themselves.
    restarted = await startRedis({ port: h.redis.port });
    let status = 0;
    for (let i = 0; i < 100 && status !== 202; i++) {
      const res = await h.request("/jobs", {
        method: "POST",
        body: JSON.stringify({ service_id: "web-app", user_message: "And after the restart?" }),
      });
      status = res.status;
      if (status === 202) {
        const { job_id } = (await res.json()) as { job_id: string };
        expect((await waitForJob(h, job_id, 60)).status).toBe("completed");
      } else {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(status).toBe(202);
  }, 90_000);
});
