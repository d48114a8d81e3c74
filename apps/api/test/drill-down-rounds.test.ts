import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseScenario, type Scenario } from "@orch/core";
import { startFakeDatadog, type FakeDatadog } from "@orch/testkit";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";
import { eventually, spawnWorker, type WorkerProcess } from "./support/worker-process.js";

const ENDPOINTS = ["GET /cart", "POST /charge", "GET /search"];

/** A checkout service whose new errors all come from POST /charge: the whole-service series only show them diluted. */
function scenarioOf(service: string): Scenario {
  return parseScenario({
    id: "drill",
    service,
    question: "Which endpoint is failing?",
    window: "1h",
    series: ENDPOINTS.flatMap((endpoint) => [
      {
        metric: "trace.http.request.hits",
        baseline: 600,
        noise: 0.05,
        integer: true,
        metric_type: "count",
        group: [`resource_name:${endpoint}`],
      },
      {
        metric: "trace.http.request.errors",
        baseline: 1,
        noise: 0.2,
        integer: true,
        metric_type: "count",
        group: [`resource_name:${endpoint}`],
        incidents: endpoint === "POST /charge" ? [{ type: "step", start: "-25m", to: 90 }] : [],
      },
      {
        metric: "trace.http.request.duration.by.service.95p",
        baseline: 0.12,
        noise: 0.05,
        unit: "second",
        metric_type: "gauge",
        group: [`resource_name:${endpoint}`],
      },
    ]),
  });
}

/**
 * Drill-down rounds as real phase jobs: workers run as processes against a real Redis and the
 * fake Datadog (through the official client); round 2's phases are BullMQ jobs of their own.
 */
describe("drill-down rounds", () => {
  let h: Harness;
  let datadog: FakeDatadog;
  let redis: Redis;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    datadog = await startFakeDatadog({ scenarios: scenarioOf });
    h = await startHarness({
      workers: false,
      env: {
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
    await datadog?.close();
  });

  const record = (id: string, ...fields: string[]) => redis.hmget(`orch:job:{${id}}`, ...fields);
  const bullJobKeys = async (id: string) => {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `*:${id}-*`, "COUNT", 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== "0");
    return keys.filter((k) => /:(execution|feedback):[^:]+$/.test(k));
  };

  it("runs round 2 and answers with the endpoint that carries the errors", async () => {
    const worker = spawnWorker(h.env);
    workers.push(worker);
    const id = await submitJob(h, {
      service_id: `drill-${randomUUID().slice(0, 8)}`,
      user_message: "Which endpoint is failing?",
      options: { reasoner: "offline" },
    });
    const view = (await waitForJob(h, id, 90)) as {
      status: string;
      round: number;
      result: { direct_answer: string; answer_markdown: string; confidence: number };
    };
    expect(view.status, worker.output()).toBe("completed");
    expect(view.round).toBe(2);
    expect(view.result.direct_answer).toMatch(/^Endpoint \*\*POST \/charge\*\*: \d+% of the rise in errors/);
    expect(view.result.answer_markdown).toContain("### Where");

    // Round 2's phases ran once each: inline, in the planning job (no phase jobs of their own),
    // since the one worker had room for them.
    const keys = await bullJobKeys(id);
    expect(keys.some((k) => k.endsWith(`:execution:${id}-execution-2`))).toBe(false);
    expect(keys.some((k) => k.endsWith(`:feedback:${id}-feedback-2`))).toBe(false);
    expect(await record(id, "runs:execution-2", "runs:feedback-2")).toEqual(["1", "1"]);
    expect(await record(id, "saved:execution-2", "saved:feedback-2")).not.toContain(null);

    const trace = (await (await h.request(`/jobs/${id}/trace`)).json()) as {
      steps: Array<{ phase: string; round?: number; name: string }>;
    };
    const round2 = trace.steps.filter((s) => s.round === 2);
    expect(round2.some((s) => s.phase === "execution" && s.name.startsWith("metrics:"))).toBe(true);
    expect(trace.steps.some((s) => s.name === "metric_tags")).toBe(true);
    expect(trace.steps.some((s) => s.name === "drill_down" && s.round === undefined)).toBe(true);
    // The grouped read asked Datadog for the breakdown with the service's scope.
    const grouped = datadog.requests.filter(
      (r) => r.path === "/api/v1/query" && String(r.query.query).includes("by {resource_name}"),
    );
    expect(grouped.length).toBeGreaterThan(0);
    for (const r of grouped)
      expect(String(r.query.query)).toMatch(/\{service:drill-[^}]*\} by \{resource_name\}/);
    await worker.kill("SIGTERM");
  }, 120_000);

  it("ends with one answer when a worker is killed with SIGKILL during round 2", async () => {
    // Every metric read is slow, so the kill lands while round 2's grouped read is in flight.
    datadog.inject({ kind: "slow", delay_ms: 1500, path: "/api/v1/query", times: Infinity });
    const first = spawnWorker(h.env);
    workers.push(first);
    const service = `drill-kill-${randomUUID().slice(0, 8)}`;
    const id = await submitJob(h, {
      service_id: service,
      user_message: "Which endpoint is failing?",
      options: { reasoner: "offline" },
    });
    await eventually(
      async () => {
        const [status, round] = await record(id, "status", "round");
        if (status !== "executing" || round !== "2") return false;
        return datadog.requests.some((r) => {
          const query = String(r.query.query ?? "");
          return (
            r.path === "/api/v1/query" && query.includes(`service:${service}`) && query.includes(" by {")
          );
        });
      },
      90_000,
      "round 2's execution to be reading",
    );
    await first.kill("SIGKILL");

    const second = spawnWorker(h.env);
    workers.push(second);
    const view = (await waitForJob(h, id, 90)) as {
      status: string;
      round: number;
      result: { direct_answer: string };
    };
    expect(view.status, second.output()).toBe("completed");
    expect(view.round).toBe(2);
    expect(view.result.direct_answer).toContain("POST /charge");
    // Round 1 ran once. Round 2's phases run inline one after the other, so under load the kill can
    // land in its execution (run again on redelivery), in its feedback, or just after both: at most
    // one of them runs twice, and one answer is saved.
    expect(await record(id, "runs:planning", "runs:execution", "runs:feedback")).toEqual(["1", "1", "1"]);
    const round2 = (await record(id, "runs:execution-2", "runs:feedback-2")).map(Number);
    expect(round2.every((n) => n === 1 || n === 2)).toBe(true);
    expect(round2[0]! + round2[1]!).toBeLessThanOrEqual(3);
    const events = await redis.xrange(`orch:job:{${id}}:events`, "-", "+");
    expect(events.filter(([, fields]) => fields[1] === "end")).toHaveLength(1);
    datadog.reset();
    await second.kill("SIGTERM");
  }, 180_000);
});
