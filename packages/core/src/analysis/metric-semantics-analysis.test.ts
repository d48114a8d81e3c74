import { describe, expect, it } from "vitest";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";
import type { ScenarioInput } from "../scenario/scenario-schema.js";

const analyse = (input: Omit<ScenarioInput, "id" | "question">, intent: "health" | "capacity" = "health") => {
  const { evidence, plan } = scenarioEvidence({ id: "s", question: "q", ...input }, { intent });
  return analyzeEvidence({ evidence, plan });
};
const reported = (findings: ReturnType<typeof analyse>["findings"]) =>
  findings.filter((f) => f.severity !== "info");

describe("the analysis knows what each number means", () => {
  it("reads a cumulative counter as a rate, so that a restart is no traffic drop", () => {
    const result = analyse({
      service: "shop",
      window: "6h",
      series: [
        {
          metric: "http_requests_total",
          baseline: 40,
          noise: 0.05,
          cumulative: true,
          incidents: [{ type: "reset", start: "-2h" }],
        },
      ],
    });
    expect(reported(result.findings)).toEqual([]);
    const stats = result.stats.find((s) => s.metric === "http_requests_total");
    expect(stats?.unit).toBe("request");
    expect(stats?.mean).toBeGreaterThan(40 * 60 * 0.8);
    expect(stats?.mean).toBeLessThan(40 * 60 * 1.2);
  });

  it("still sees a real traffic drop in a counter's rate", () => {
    const result = analyse({
      service: "shop",
      window: "6h",
      series: [
        {
          metric: "http_requests_total",
          baseline: 40,
          noise: 0.05,
          cumulative: true,
          incidents: [{ type: "step", start: "-1h", factor: 0.2 }],
        },
      ],
    });
    expect(reported(result.findings).map((f) => f.category)).toContain("traffic");
  });

  it("judges Redis memory against maxmemory and sees the evictions", () => {
    const result = analyse({
      service: "cache",
      window: "6h",
      series: [
        {
          metric: "redis.mem.used",
          baseline: 6e9,
          noise: 0.01,
          incidents: [{ type: "ramp", start: "-3h", end: "-1h", to: 8.5e9 }],
        },
        { metric: "redis.mem.maxmemory", baseline: 8.6e9, noise: 0 },
        {
          metric: "redis.keys.evicted",
          baseline: 0.2,
          integer: true,
          incidents: [{ type: "step", start: "-1h", to: 350 }],
        },
      ],
    });
    const memory = reported(result.findings).find((f) => f.metric === "redis.mem.used");
    expect(memory?.category).toBe("saturation");
    expect(memory?.severity).toBe("critical");
    expect(memory?.summary).toMatch(/of its limit|used/);
    expect(reported(result.findings).some((f) => f.metric === "redis.keys.evicted")).toBe(true);
  });

  it("calls consumers falling to zero an outage", () => {
    const result = analyse({
      service: "orders-worker",
      window: "2h",
      series: [
        {
          metric: "rabbitmq.queue.consumers",
          baseline: 6,
          noise: 0,
          integer: true,
          incidents: [{ type: "step", start: "-30m", to: 0 }],
        },
        {
          metric: "rabbitmq.queue.messages",
          baseline: 40,
          noise: 0.1,
          integer: true,
          incidents: [{ type: "ramp", start: "-30m", to: 9000 }],
        },
      ],
    });
    const consumers = reported(result.findings).find((f) => f.metric === "rabbitmq.queue.consumers");
    expect(consumers).toMatchObject({ category: "availability", severity: "critical" });
    expect(consumers?.summary).toMatch(/to 0/);
  });

  it("reads work taken off a queue falling to zero as stopped consumers that grow the backlog", () => {
    const result = analyse({
      service: "order-events",
      window: "6h",
      series: [
        {
          metric: "aws.sqs.number_of_messages_deleted",
          baseline: 4000,
          noise: 0.1,
          integer: true,
          incidents: [{ type: "flatline", start: "-160m", end: "0", value: 0 }],
        },
        {
          metric: "aws.sqs.approximate_number_of_messages_visible",
          baseline: 6,
          noise: 0.2,
          integer: true,
          incidents: [{ type: "ramp", start: "-160m", end: "0", to: 600_000 }],
        },
        { metric: "aws.sqs.number_of_messages_sent", baseline: 4000, noise: 0.1, integer: true },
      ],
    });
    const taken = reported(result.findings).find((f) => f.metric === "aws.sqs.number_of_messages_deleted");
    expect(taken).toMatchObject({ category: "availability", severity: "critical" });
    expect(taken?.evidence.anomaly).toBe("zero");
    expect(taken?.summary).toMatch(/consumers or workers stopped processing/);
    expect(taken?.summary).not.toMatch(/hung reporter/);
    const backlog = result.findings.find(
      (f) => f.metric === "aws.sqs.approximate_number_of_messages_visible",
    );
    expect(backlog?.caused_by).toEqual([taken?.id]);
    expect(backlog?.cause_reason).toMatch(/consumers or workers/);
  });

  it("leaves a trickle of work that reads 0 now and then alone", () => {
    const result = analyse({
      service: "cron-queue",
      window: "6h",
      series: [
        {
          metric: "sidekiq.processed",
          baseline: 1.5,
          noise: 0,
          integer: true,
          incidents: [{ type: "flatline", start: "-4m", end: "-1m", value: 0 }],
        },
      ],
    });
    expect(reported(result.findings).filter((f) => f.evidence.anomaly === "zero")).toEqual([]);
  });

  it("shows a pool pinned at its size as saturation, not as a stuck gauge", () => {
    const result = analyse({
      service: "api",
      window: "2h",
      series: [
        {
          metric: "myapp.db.pool.active",
          baseline: 20,
          noise: 0.1,
          integer: true,
          incidents: [{ type: "flatline", start: "-40m", end: "0", value: 50 }],
        },
        { metric: "myapp.db.pool.max", baseline: 50, noise: 0 },
      ],
    });
    const pool = reported(result.findings).find((f) => f.metric === "myapp.db.pool.active");
    expect(pool?.category).toBe("saturation");
    expect(pool?.summary).not.toMatch(/stuck gauge/);
  });
});
