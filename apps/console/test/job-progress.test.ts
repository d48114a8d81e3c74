import { describe, expect, it } from "vitest";
import type { JobView } from "../src/api/api-types";
import { INITIAL_PROGRESS, applyEvent, type JobProgress } from "../src/jobs/job-progress";

const step = (phase: string, name: string) => ({
  phase,
  run: 1,
  kind: "tool",
  name,
  started_at: "2026-01-01T00:00:00.000Z",
  duration_ms: 12,
  status: "ok",
  summary: name,
});

const EVENTS: ReadonlyArray<readonly [string, string, unknown]> = [
  ["1-0", "status", { status: "queued" }],
  ["2-0", "status", { status: "planning", phase: "planning", run: 1 }],
  ["3-0", "step", step("planning", "discover_metrics")],
  ["4-0", "phase", { phase: "planning", steps: 1, status: "executing" }],
  ["5-0", "status", { status: "executing", phase: "execution", run: 1 }],
  ["6-0", "step", step("execution", "metrics:cpu")],
];

function replay(
  events: ReadonlyArray<readonly [string, string, unknown]>,
  from = INITIAL_PROGRESS,
): JobProgress {
  return events.reduce((p, [id, type, data]) => applyEvent(p, id, type, data), from);
}

describe("a job's progress from its events", () => {
  it("follows the phases and collects their steps", () => {
    const progress = replay(EVENTS);
    expect(progress.status).toBe("executing");
    expect(progress.phases.planning).toEqual({ state: "done", run: 1, steps: 1 });
    expect(progress.phases.execution).toEqual({ state: "running", run: 1, steps: 1 });
    expect(progress.phases.feedback.state).toBe("pending");
    expect(progress.steps.map((s) => s.name)).toEqual(["discover_metrics", "metrics:cpu"]);
    expect(progress.lastEventId).toBe("6-0");
  });

  it("resumed from a saved state (as after a reload) ends where one uninterrupted stream does", () => {
    const saved = JSON.parse(JSON.stringify(replay(EVENTS.slice(0, 3)))) as JobProgress;
    const rest = EVENTS.slice(3);
    expect(replay(rest, saved)).toEqual(replay(EVENTS));
    // The event at the resume point, delivered again, changes nothing.
    expect(replay(EVENTS.slice(2, 3), saved)).toBe(saved);
  });

  it("ends running phases as cancelled when the job is cancelled", () => {
    const view = {
      status: "cancelled",
      progress: { phases_completed: ["planning"], steps: 2 },
    } as unknown as JobView;
    const progress = applyEvent(replay(EVENTS), "7-0", "end", view);
    expect(progress.status).toBe("cancelled");
    expect(progress.phases.execution.state).toBe("cancelled");
    expect(progress.phases.feedback.state).toBe("pending");
    expect(progress.ended).toBe(view);
  });
});
