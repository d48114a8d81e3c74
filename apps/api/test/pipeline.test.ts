import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, submitJob, type Harness } from "./support/orchestrator-harness.js";
import { pipelineSuite, type JobBody } from "./support/pipeline-suite.js";
import { eventually } from "./support/worker-process.js";

pipelineSuite("the orchestration pipeline through HTTP", async () => {
  const harness = await startHarness();
  return { harness, close: () => harness.close() };
});

describe("a long-wait on GET /jobs/:id?wait", () => {
  let h: Harness;
  beforeAll(async () => {
    // Workers start only once the wait is held, so the job ends while the request waits.
    h = await startHarness({ workers: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("answers within 200 ms of the job's finished_at, not at the end of the wait", async () => {
    const id = await submitJob(h, {
      service_id: "payments",
      user_message: "Why is memory growing on payments?",
    });
    const waiting = h.request(`/jobs/${id}?wait=60`).then((res) => ({ res, receivedAt: Date.now() }));
    await eventually(() => h.api.events.listenerCount > 0, 5000, "the long-wait to be held");
    await h.startWorkers();

    const { res, receivedAt } = await waiting;
    const job = (await res.json()) as JobBody;
    expect(job.status).toBe("completed");
    // Server and client share this process's clock: the gap is the wake-up, not clock skew.
    const lag = receivedAt - Date.parse(job.finished_at!);
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(200);
  });
});
