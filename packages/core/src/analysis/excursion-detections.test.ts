import { describe, expect, it } from "vitest";
import type { ScenarioInput } from "../scenario/scenario-schema.js";
import { SCENARIO_ANCHOR } from "./scenario-evidence.js";
import { analyzeEvidence } from "./analyze-evidence.js";
import { scenarioEvidence } from "./scenario-evidence.js";

type Incident = NonNullable<ScenarioInput["series"][number]["incidents"]>[number];

/**
 * Traffic on a strong daily cycle (night at a fifth of the evening peak) seen through a 12 h
 * window, too short to show the cycle: the morning climb must not read as an incident.
 */
function trafficFindings(anchor: number, incidents: Incident[] = []) {
  const { evidence, plan } = scenarioEvidence(
    {
      id: "traffic",
      service: "svc",
      question: "How is it doing?",
      window: "12h",
      series: [
        {
          metric: "trace.http.request.hits",
          baseline: 3000,
          noise: 0.12,
          integer: true,
          seasonality: { amplitude: 0.6, peak_hour: 17 },
          incidents,
        },
      ],
    },
    { anchor },
  );
  return analyzeEvidence({ evidence, plan }).findings.filter((f) => f.severity !== "info");
}

const anchors = Array.from({ length: 6 }, (_, i) => SCENARIO_ANCHOR + i * 86_400_000 + i * 7_919_000);

describe("a climb on a daily cycle the window is too short to show", () => {
  it.each(anchors)("is not an incident (anchor %i)", (anchor) => {
    expect(trafficFindings(anchor)).toEqual([]);
  });

  it.each(anchors.slice(0, 3))("still lets a real drop through (anchor %i)", (anchor) => {
    const findings = trafficFindings(anchor, [{ type: "step", start: "-2h", factor: 0.3 }]);

    expect(findings).toEqual([
      expect.objectContaining({ category: "traffic", metric: "trace.http.request.hits" }),
    ]);
  });
});
