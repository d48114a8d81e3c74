import { describe, expect, it } from "vitest";
import type { Finding } from "../finding.js";
import { leadPhrase } from "./lead-phrase.js";
import { recommendationsFor } from "./recommendations.js";
import { silentWith } from "./silence.js";

const END = Date.UTC(2026, 2, 10, 14, 0);
const window = { start: END - 3_600_000, end: END };

function silent(id: string, metric: string, kind: Finding["kind"], startMinutesAgo: number): Finding {
  return {
    id,
    category: "availability",
    severity: "warning",
    metric,
    kind,
    window: { start: END - startMinutesAgo * 60_000, end: END },
    evidence: { anomaly: "nodata" },
    summary: `${metric} stopped reporting`,
    score: 0.6,
    state: "ongoing",
  };
}

const findings = [
  silent("F1", "container.cpu.usage", "cpu", 12),
  silent("F2", "trace.http.request", "latency", 12),
  silent("F3", "trace.http.request.errors", "errors", 11),
  silent("F4", "redis.mem.used", "memory", 40),
];

describe("series that went silent together", () => {
  it("are the ones that stopped within two minutes of each other, still silent", () => {
    expect(silentWith(findings[0]!, findings).map((f) => f.id)).toEqual(["F1", "F2", "F3"]);
    expect(silentWith(findings[3]!, findings).map((f) => f.id)).toEqual(["F4"]);
    const recovered = findings.map((f) => (f.id === "F2" ? { ...f, state: "recovered" as const } : f));
    expect(silentWith(recovered[0]!, recovered).map((f) => f.id)).toEqual(["F1", "F3"]);
  });

  it("are told once: one lead, one piece of advice", () => {
    const together = silentWith(findings[0]!, findings);
    expect(leadPhrase(findings[0]!, 3_600_000, { where: "on api", together })).toBe(
      "CPU, latency and errors on api stopped reporting together at 13:48 UTC (3 series)",
    );
    const { advice } = recommendationsFor(
      { findings, stats: [], forecasts: [], missing: [], coverage: 1 },
      window,
    );
    expect(advice).toHaveLength(2);
    expect(advice[0]).toMatch(/^3 series stopped reporting together at 13:48 UTC \(container\.cpu\.usage/);
    expect(advice[1]).toMatch(/^redis\.mem\.used stopped reporting at 13:20 UTC/);
  });
});
