import { describe, expect, it } from "vitest";
import { executePlan, parseScenario, serviceScope, type Plan, type StepDraft } from "@orch/core";
import { DemoSource } from "@orch/datadog";

const ANCHOR = Date.UTC(2025, 0, 15, 12, 0, 0);
const HOUR = 3_600_000;

/** A heap that has leaked for two days: in the last hour it is only a gentle climb from the start. */
const leaking = parseScenario({
  id: "leak",
  service: "payments",
  question: "How is payments?",
  window: "7d",
  series: [
    {
      metric: "jvm.heap_memory",
      baseline: 1.2e9,
      noise: 0.002,
      unit: "byte",
      incidents: [{ type: "leak", start: "-2d", factor: 2.5 }],
    },
    { metric: "jvm.heap_memory_max", baseline: 4e9, noise: 0, unit: "byte" },
  ],
});
const steady = parseScenario({
  ...leaking,
  series: [{ ...leaking.series[0]!, incidents: [] }, leaking.series[1]!],
});

function plan(explicit: boolean): Plan {
  return {
    intent: "health",
    window: { start: ANCHOR - HOUR, end: ANCHOR, label: "last hour", explicit },
    rationale: "test",
    source: "offline",
    steps: [
      {
        id: "m1",
        tool: "metrics",
        query: { metric: "jvm.heap_memory", aggregator: "avg", by: [], as_count: false },
        reason: "",
      },
      {
        id: "m2",
        tool: "metrics",
        query: { metric: "jvm.heap_memory_max", aggregator: "max", by: [], as_count: false },
        reason: "",
      },
    ],
  };
}

async function execute(scenario: typeof leaking, explicit: boolean) {
  const steps: StepDraft[] = [];
  const source = new DemoSource({ scenarios: () => scenario, anchor: () => ANCHOR, now: () => ANCHOR });
  const outcome = await executePlan(
    { source, now: () => ANCHOR, concurrency: 2, onStep: (s) => steps.push(s) },
    plan(explicit),
    serviceScope("payments"),
    new AbortController().signal,
  );
  return { outcome, steps };
}

describe("a window the service chose, too short for what it shows", () => {
  it("is read again a day wide when memory was already climbing when it began, and says so", async () => {
    const { outcome, steps } = await execute(leaking, false);
    expect(outcome.evidence.window.end - outcome.evidence.window.start).toBe(24 * HOUR);
    expect(outcome.evidence.window.label).toMatch(
      /^last 24 hours \(widened from the last hour: `jvm\.heap_memory` (was already climbing|climbed steadily all through the last hour)/,
    );
    expect(steps.filter((s) => s.name === "window")).toHaveLength(1);
    expect(steps.filter((s) => s.name === "metrics:jvm.heap_memory")).toHaveLength(2);
  });

  it("is kept when nothing in it began before it", async () => {
    const { outcome } = await execute(steady, false);
    expect(outcome.evidence.window.end - outcome.evidence.window.start).toBe(HOUR);
  });

  it("is never widened when the user or the question gave it", async () => {
    const { outcome, steps } = await execute(leaking, true);
    expect(outcome.evidence.window.end - outcome.evidence.window.start).toBe(HOUR);
    expect(steps.some((s) => s.name === "window")).toBe(false);
  });
});
