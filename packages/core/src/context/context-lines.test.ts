import { describe, expect, it } from "vitest";
import { findingLine, pointsLine } from "./context-lines.js";

const END = Date.UTC(2025, 0, 1, 12, 0, 0);
const at = (minutesBefore: number, v: number) => [END - minutesBefore * 60_000, v] as const;

describe("pointsLine", () => {
  it("collapses runs of three or more equal values into one range", () => {
    const line = pointsLine(
      "errors",
      [at(6, 0), at(5, 0), at(4, 0), at(3, 0), at(2, 5), at(1, 5), at(0, 0)],
      360,
      END,
    );
    expect(line).toBe("errors (7 of 360): -6m..-3m 0, -2m 5, -60s 5, 0 0");
  });
});

describe("findingLine", () => {
  it("shows a finding's id, severity, window and numbers on one line", () => {
    const line = findingLine(
      {
        id: "f3",
        state: "ongoing",
        category: "latency",
        severity: "warning",
        metric: "trace.http.request.duration",
        window: { start: END - 20 * 60_000, end: END - 5 * 60_000 },
        evidence: { baseline: 0.1234, peak: 1.98765, since: END - 20 * 60_000 },
        summary: "p95 latency\nrose",
        score: 0.5,
      },
      END,
    );
    expect(line).toBe(
      "[f3] warning latency trace.http.request.duration -20m..-5m: p95 latency rose (baseline=0.123, peak=1.99, since=-20m)",
    );
  });
});
