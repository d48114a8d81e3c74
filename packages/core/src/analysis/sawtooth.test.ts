import { describe, expect, it } from "vitest";
import type { ScenarioInput } from "../scenario/scenario-schema.js";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "../../test/support/scenario-evidence.js";

type Incident = NonNullable<ScenarioInput["series"][number]["incidents"]>[number];

/** Garbage collections every `everyH` hours over 24 h: the heap climbs by `climb` and falls back. */
function collections(everyH: number, climb: Partial<Incident>): Incident[] {
  const out: Incident[] = [];
  for (let k = 24 / everyH; k > 0; k--)
    out.push({
      type: "leak",
      start: `-${k * everyH}h`,
      end: k > 1 ? `-${(k - 1) * everyH}h` : "0",
      ...climb,
    });
  return out;
}

function heapFindings(trendPerDay: number, seed: number) {
  const { evidence, plan } = scenarioEvidence({
    id: "heap",
    service: "svc",
    question: "Is there a memory leak?",
    window: "24h",
    seed,
    series: [
      {
        metric: "jvm.heap_memory",
        baseline: 1e9,
        noise: 0.02,
        trend_per_day: trendPerDay,
        incidents: collections(2, { delta: 1.2e9 }),
      },
      { metric: "jvm.heap_memory_max", baseline: 6e9, noise: 0 },
    ],
  });
  return analyzeEvidence({ evidence, plan }).findings.filter(
    (f) => f.metric === "jvm.heap_memory" && f.severity !== "info",
  );
}

describe("a garbage-collection sawtooth", () => {
  it.each([1, 2, 3, 4])(
    "is no leak while every collection brings the heap back to the same floor (seed %i)",
    (seed) => {
      expect(heapFindings(0, seed)).toEqual([]);
    },
  );

  it.each([1, 2, 3])("is a leak when what survives each collection keeps growing (seed %i)", (seed) => {
    const [leak, ...rest] = heapFindings(1, seed);

    expect(rest).toEqual([]);
    expect(leak).toMatchObject({ category: "memory_leak", evidence: { pattern: "sawtooth" } });
    expect(leak?.summary).toMatch(/after each collection rose/);
  });
});
