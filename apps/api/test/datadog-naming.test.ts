import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startFakeDatadog, type FakeDatadog } from "@orch/testkit";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";

interface Trace {
  data_source: string;
  steps: Array<{ name: string; status: string; error?: string }>;
}

/**
 * DATADOG_API_URL often names an internal proxy or gateway. Every client reads `data_source`,
 * answers and trace errors, so they name the organisation, never that URL's host or address.
 */
describe("a Datadog organisation behind an API URL, as clients see it", () => {
  let h: Harness;
  let datadog: FakeDatadog;
  let unreachable: string;

  beforeAll(async () => {
    datadog = await startFakeDatadog();
    unreachable = `http://127.0.0.1:${await freePort()}`;
    h = await startHarness({
      env: {
        DATADOG_API_KEY: datadog.apiKey,
        DATADOG_APP_KEY: datadog.appKey,
        DATADOG_API_URL: datadog.url,
      },
      config: {
        datadog: { max_retries: 0 },
        services: {
          payments: {
            api_url: unreachable,
            api_key: "payments-org-api-key",
            app_key: "payments-org-app-key",
            org_name: "payments-org",
          },
        },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await datadog?.close();
  });

  async function run(
    service: string,
  ): Promise<{ text: string; view: { data_source: string }; trace: Trace }> {
    const id = await submitJob(h, { service_id: service, user_message: "Investigate recent 5xx errors" });
    const view = (await waitForJob(h, id, 60)) as { status: string; data_source: string };
    expect(view.status).toBe("completed");
    const trace = (await (await h.request(`/jobs/${id}/trace`)).json()) as Trace;
    const events = await (await h.request(`/jobs/${id}/events`)).text();
    return { text: JSON.stringify(view) + JSON.stringify(trace) + events, view, trace };
  }

  it("names the deployment's organisation plain datadog in data_source, answers and errors", async () => {
    datadog.inject({ kind: "server_error", status: 500, path: "/api/v1/monitor", times: Infinity });
    const { text, view, trace } = await run("api-gateway");
    expect(view.data_source).toBe("datadog");
    expect(trace.data_source).toBe("datadog");
    const failed = trace.steps.find((s) => s.status === "error" && s.error?.includes("monitor"));
    expect(failed?.error).toMatch(/Datadog answered HTTP 500 on GET \/api\/v1\/monitor\/search \(datadog\)/);
    expect(text).not.toContain(new URL(datadog.url).host);
    expect(text).not.toContain("127.0.0.1");
  });

  it("names a team's own organisation by its org_name, even when it cannot be reached", async () => {
    const { text, view, trace } = await run("payments");
    expect(view.data_source).toBe("datadog:payments-org");
    const errors = trace.steps.filter((s) => s.status === "error").map((s) => s.error ?? "");
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join("\n")).toMatch(/could not reach Datadog \(payments-org\) .*ECONNREFUSED/);
    expect(text).not.toContain(new URL(unreachable).port);
    expect(text).not.toContain("127.0.0.1");
  });
});
