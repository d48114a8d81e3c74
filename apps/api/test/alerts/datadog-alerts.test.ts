import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, waitForJob, type Harness } from "../support/orchestrator-harness.js";
import { startSlackReceiver, type SlackReceiver } from "../support/slack-receiver.js";

const SECRET = "dd-webhook-secret-0123456789";
const HEADER = "X-Orchestrator-Webhook-Secret";

/** A notification as Datadog's Webhooks integration sends it with the documented template. */
function notification(monitor: number, service: string, extra: Record<string, string> = {}) {
  const id = extra.id ?? `${monitor}${Math.floor(Math.random() * 1e9)}`;
  return {
    id,
    alert_id: String(monitor),
    alert_transition: "Triggered",
    alert_title: `[Triggered on {service:${service}}] errors on ${service}`,
    alert_scope: `service:${service},env:prod`,
    alert_query: `sum(last_5m):sum:trace.http.request.errors{service:${service}}.as_count() > 50`,
    alert_status: "$ALERT_STATUS",
    date: String(Date.now() - 120_000),
    tags: `env:prod,service:${service},team:sre`,
    link: `https://app.datadoghq.com/event/event?id=${id}`,
    ...extra,
  };
}

interface Intake {
  outcome: string;
  job_id: string | null;
}

describe("Datadog monitor notifications → jobs → Slack", () => {
  let h: Harness;
  let slack: SlackReceiver;
  const post = async (body: unknown, secret: string | null = SECRET) => {
    const headers: Record<string, string> = {};
    if (secret !== null) headers[HEADER] = secret;
    return h.request("/integrations/datadog/webhook", {
      method: "POST",
      token: null,
      headers,
      body: JSON.stringify(body),
    });
  };
  const jobCount = async () =>
    ((await (await h.request("/jobs?limit=100")).json()) as { jobs: unknown[] }).jobs.length;

  beforeAll(async () => {
    slack = await startSlackReceiver();
    h = await startHarness({
      config: {
        alerts: {
          concurrency: 2,
          flap_seconds: 600,
          datadog: { integrations: [{ name: "prod", owner: "alice", secret: SECRET }] },
        },
        slack: {
          routes: [
            { owner: "alice", webhook_url: `${slack.url}/services/alice` },
            { monitor_ids: [4242], webhook_url: `${slack.url}/services/payments-oncall` },
          ],
          link_base_url: "https://orchestrator.example.com",
        },
        webhooks: { backoff_ms: 50 },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await slack?.close();
  });

  it("refuses a missing or wrong secret, and a payload it cannot use, queueing nothing", async () => {
    const before = await jobCount();
    expect((await post(notification(1, "web-app"), null)).status).toBe(401);
    expect((await post(notification(1, "web-app"), "not-the-secret-at-all")).status).toBe(401);
    const { alert_id: _, ...noMonitor } = notification(2, "web-app");
    for (const bad of [
      noMonitor,
      notification(3, "web-app", { alert_transition: "$ALERT_TRANSITION" }),
      notification(4, "web-app", { date: "yesterday" }),
      notification(5, "web-app", { alert_scope: "host:db-1", tags: "env:prod" }),
      "[]",
    ]) {
      const res = await post(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(((await res.json()) as { detail: string }).detail.length).toBeGreaterThan(10);
    }
    expect(await jobCount()).toBe(before);
  });

  it("investigates a storm within alerts.concurrency and posts each answer to the routed Slack channel", async () => {
    slack.script(500); // Slack fails once: the message is retried like a webhook, not lost
    const storm = [
      notification(1000, "api-gateway"),
      notification(4242, "payments"),
      ...[5001, 5002, 5003, 5004].map((m, i) =>
        notification(m, ["checkout", "web-app", "database-cluster", "search"][i]!),
      ),
    ];
    const answers = await Promise.all(storm.map((n) => post(n)));
    const ids: string[] = [];
    for (const res of answers) {
      expect(res.status).toBe(202);
      const body = (await res.json()) as Intake;
      expect(body.outcome).toBe("started");
      ids.push(body.job_id!);
    }
    const views = await Promise.all(ids.map((id) => waitForJob(h, id, 90)));
    expect(views.map((v) => v.status)).toEqual(ids.map(() => "completed"));

    // Never more than two alert investigations ran at once.
    const spans = views.map(
      (v) => [Date.parse(String(v.started_at)), Date.parse(String(v.finished_at))] as const,
    );
    const overlap = Math.max(...spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length));
    expect(overlap).toBeLessThanOrEqual(2);

    // The monitor's metric is read first, over a window that starts well before the trigger.
    const trace = (await (await h.request(`/jobs/${ids[0]}/trace`)).json()) as {
      plan: {
        steps: Array<{ tool: string; query?: { metric: string } }>;
        window: { start: number; label: string };
      };
      alert: { monitor_id: number };
      steps: Array<{ name: string; status: string }>;
    };
    expect(trace.alert.monitor_id).toBe(1000);
    expect(trace.steps.find((s) => s.name === "monitor")?.status).toBe("ok");
    expect(trace.plan.window.start).toBeLessThanOrEqual(Number(storm[0]!.date) - 3_600_000);
    expect(trace.plan.window.label).toMatch(/before the alert/);

    await expect.poll(() => slack.received.length, { timeout: 30_000 }).toBe(storm.length);
    expect(slack.refused).toEqual([]);
    const toPayments = slack.received.filter((m) => m.path === "/services/payments-oncall");
    expect(toPayments).toHaveLength(1);
    expect(JSON.stringify(toPayments[0]!.body)).toContain("monitor 4242");
    const first = slack.received.find((m) => JSON.stringify(m.body).includes("monitor 1000"))!;
    expect(first.body.blocks.map((b) => b.type)).toEqual(["header", "section", "section", "context"]);
    expect(JSON.stringify(first.body)).toContain(
      `https://orchestrator.example.com/jobs/${ids[0]}|job ${ids[0]}`,
    );
  });

  it("deduplicates a notification, holds a flapping monitor to one job, and records its recovery", async () => {
    const trigger = notification(7777, "web-app");
    const started = (await (await post(trigger)).json()) as Intake;
    expect(started.outcome).toBe("started");
    const again = await post(trigger);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ outcome: "duplicate", job_id: started.job_id });
    const flap = (await (
      await post(notification(7777, "web-app", { alert_transition: "Re-Triggered" }))
    ).json()) as Intake;
    expect(flap).toMatchObject({ outcome: "suppressed", job_id: started.job_id });
    const noData = (await (
      await post(notification(7777, "web-app", { alert_transition: "No Data" }))
    ).json()) as Intake;
    expect(noData.outcome).toBe("ignored");

    await waitForJob(h, started.job_id!, 60);
    const recovered = notification(7777, "web-app", {
      alert_transition: "Recovered",
      date: String(Date.now()),
    });
    const recorded = (await (await post(recovered)).json()) as Intake;
    expect(recorded).toMatchObject({ outcome: "recorded", job_id: started.job_id });
    const view = (await (await h.request(`/jobs/${started.job_id}`)).json()) as {
      alert: { recovered_at: string | null; transition: string };
    };
    expect(view.alert.transition).toBe("Triggered");
    expect(Date.parse(view.alert.recovered_at!)).toBe(Number(recovered.date));
  });
});
