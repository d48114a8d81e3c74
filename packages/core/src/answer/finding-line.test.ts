import { describe, expect, it } from "vitest";
import type { Finding } from "../finding.js";
import { findingLine } from "./finding-line.js";

const END = Date.UTC(2026, 2, 10, 3, 50);
const window = { start: END - 3_600_000, end: END };

function finding(evidence: Finding["evidence"], extra: Partial<Finding> = {}): Finding {
  return {
    id: "F1",
    category: "saturation",
    severity: "critical",
    metric: "postgresql.percent_usage_connections",
    kind: "saturation",
    window: { start: END - 30 * 60_000, end: END },
    evidence,
    summary: "summary",
    score: 0.9,
    state: "ongoing",
    ...extra,
  };
}

describe("findingLine", () => {
  it("shows a breach by its peak against the threshold, never a typical level under it as its value", () => {
    const line = findingLine(
      finding({
        anomaly: "threshold",
        baseline: 0.7,
        level: 0.894,
        threshold: 0.9,
        threshold_level: "critical",
        threshold_used_pct: 90,
        peak: 1,
        current: 0.894,
        used_pct: 100,
        unit: "fraction",
      }),
      window,
    );
    expect(line).toBe(
      "**F1 · critical · saturation** — above the critical threshold on `postgresql.percent_usage_connections`, since 03:20 UTC: was 70% before; peak 100%; critical threshold 90%; now 89.4%.",
    );
  });

  it("words a usable-memory breach as what is left and what is used", () => {
    const line = findingLine(
      finding(
        {
          anomaly: "threshold",
          threshold: 0.08,
          threshold_level: "critical",
          threshold_used_pct: 92,
          peak: 0.052,
          current: 0.056,
          used_pct: 95,
          unit: "fraction",
          low_is_bad: "yes",
        },
        { metric: "system.mem.pct_usable", kind: "memory" },
      ),
      window,
    );
    expect(line).toContain("below the critical threshold on `system.mem.pct_usable`");
    expect(line).toContain("lowest 5.2% (95% used); critical threshold 8% (92% used); now 5.6%");
  });

  it("gives rates of change of a share in percentage points per hour", () => {
    const line = findingLine(
      finding(
        {
          anomaly: "ramp",
          baseline: 0.113,
          level: 0.0608,
          current: 0.0561,
          fitted: "trend",
          growth_per_hour: -0.0519,
          unit: "fraction",
          low_is_bad: "yes",
        },
        { metric: "system.mem.pct_usable", kind: "memory" },
      ),
      window,
    );
    expect(line).toContain("steady fall (memory use growing) on `system.mem.pct_usable`");
    expect(line).toContain("11.3% → 6.08% along its trend line (-5.2 pp); now 5.61%; -5.2 pp/h");
  });

  it("tells a finding with no series (a monitor, a deploy) by its summary alone", () => {
    const line = findingLine(
      finding(
        { monitor: "api-gateway 5xx error rate", state: "Alert", monitor_id: 3 },
        {
          metric: "monitors",
          category: "errors",
          summary: 'Monitor "api-gateway 5xx error rate" is in Alert since 03:20 UTC',
          related: ["F2"],
        },
      ),
      window,
    );
    expect(line).toBe(
      '**F1 · critical · errors** — Monitor "api-gateway 5xx error rate" is in Alert since 03:20 UTC (related: F2).',
    );
  });
});
