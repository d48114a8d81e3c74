import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDatadog, type FakeDatadog } from "@orch/testkit";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";

interface Trace {
  plan: { steps: Array<{ tool: string; query?: { metric: string } }>; rationale: string };
  steps: Array<{ name: string; status: string; summary: string }>;
}

/** Monitors read through the official Datadog client, against the fake Datadog. */
describe("investigating a monitor", () => {
  let h: Harness;
  let datadog: FakeDatadog;

  beforeAll(async () => {
    // 1000 is one of api-gateway's monitors; 2000 watches checkout.
    datadog = await startFakeDatadog({ monitorServices: { 1000: "api-gateway", 2000: "checkout" } });
    h = await startHarness({
      env: {
        DATADOG_API_KEY: datadog.apiKey,
        DATADOG_APP_KEY: datadog.appKey,
        DATADOG_API_URL: datadog.url,
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await datadog?.close();
  });

  const trace = async (id: string) => (await (await h.request(`/jobs/${id}/trace`)).json()) as Trace;

  it("reads the monitor given as monitor_id and its query's metric first", async () => {
    const id = await submitJob(h, {
      service_id: "api-gateway",
      user_message: "What is going on?",
      monitor_id: 1000,
    });
    const view = await waitForJob(h, id, 60);
    expect(view.status).toBe("completed");
    expect(view.monitor_id).toBe(1000);
    expect(datadog.requests.some((r) => r.path === "/api/v1/monitor/1000")).toBe(true);
    const { plan, steps } = await trace(id);
    expect(steps.find((s) => s.name === "monitor")).toMatchObject({ status: "ok" });
    expect(plan.steps[0]?.tool).toBe("metrics");
    expect(plan.rationale).toMatch(/^Investigating monitor 1000/);
  });

  it('finds "monitor 1000" in the question', async () => {
    const id = await submitJob(h, {
      service_id: "api-gateway",
      user_message: "Why is monitor 1000 alerting?",
    });
    expect((await waitForJob(h, id, 60)).status).toBe("completed");
    expect((await trace(id)).steps.find((s) => s.name === "monitor")?.summary).toMatch(/^monitor 1000 /);
  });

  it("refuses a monitor of another service, saying so", async () => {
    const id = await submitJob(h, {
      service_id: "api-gateway",
      user_message: "Explain this monitor",
      monitor_id: 2000,
    });
    const view = (await waitForJob(h, id, 60)) as {
      status: string;
      error: { code: string; message: string };
    };
    expect(view.status).toBe("failed");
    expect(view.error.code).toBe("scope_violation");
    expect(view.error.message).toMatch(/monitor 2000 .*belongs to another service than api-gateway/);
  });

  it("fails a job whose monitor_id Datadog does not know", async () => {
    const id = await submitJob(h, {
      service_id: "api-gateway",
      user_message: "And this one?",
      monitor_id: 31337,
    });
    const view = (await waitForJob(h, id, 60)) as {
      status: string;
      error: { code: string; message: string };
    };
    expect(view).toMatchObject({ status: "failed", error: { code: "not_found" } });
    expect(view.error.message).toMatch(/no monitor 31337/);
  });

  it("takes monitor_id only as a positive whole number", async () => {
    for (const monitor_id of [0, -5, 1.5, "123"]) {
      const res = await h.request("/jobs", {
        method: "POST",
        body: JSON.stringify({ service_id: "api-gateway", user_message: "Why?", monitor_id }),
      });
      expect(res.status, String(monitor_id)).toBe(400);
    }
  });
});
