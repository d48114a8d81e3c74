import { describe, expect, it } from "vitest";
import type { Finding } from "../finding.js";
import type { Series } from "../evidence.js";
import { mentionsTag, rankSeries } from "./series-relevance.js";

const T0 = Date.UTC(2025, 2, 3, 13, 0);

function series(host: string): Series {
  return {
    metric: "system.cpu.user",
    query: "avg:system.cpu.user{service:web} by {host}",
    group: [`host:${host}`],
    points: [
      [T0, 10],
      [T0 + 60_000, 90],
    ],
    interval_s: 60,
    kind: "cpu",
  };
}

const finding: Finding = {
  id: "F1",
  category: "saturation",
  severity: "critical",
  metric: "system.cpu.user",
  kind: "cpu",
  window: { start: T0, end: T0 + 60_000 },
  evidence: { series: "system.cpu.user{host:web-10}" },
  summary: "CPU on host:web-10 is saturated.",
  score: 0.9,
  state: "ongoing",
};

describe("which series a finding is about", () => {
  it("matches a group tag whole, never as the prefix of another value", () => {
    expect(mentionsTag("CPU on host:web-10 is saturated.", "host:web-1")).toBe(false);
    expect(mentionsTag("CPU on host:web-1 is saturated.", "host:web-1")).toBe(true);
    expect(mentionsTag("system.cpu.user{host:web-1}", "host:web-1")).toBe(true);
    expect(mentionsTag("ends on host:web-1.", "host:web-1")).toBe(true);
    expect(mentionsTag("version:v2.14.0 only", "version:v2.1")).toBe(false);
  });

  it("ranks the host a finding names above a host whose name it only starts with", () => {
    const ranked = rankSeries("why is CPU high?", [series("web-1"), series("web-10")], [finding], []);
    const focus = ranked.filter((r) => r.focus).map((r) => r.label);
    expect(focus).toEqual(["system.cpu.user{host:web-10}"]);
  });
});
