import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, offsetOf } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { drawNeighbours } from "../neighbours.js";
import { askQuestion, YES } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { ALL_CATEGORIES, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import type { SeriesInput } from "../series-draft.js";
import { drawService } from "../service-names.js";

export const shortAgentGap: ScenarioFamily = {
  name: "short-agent-gap",
  story:
    "a few minutes without data from every metric while the agent restarted; nothing happened to the service",
  kind: "red herring",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["2h", "4h", "6h", "12h", "24h"]);
    const stack = drawHttpStack(r);
    const base = r.pick(["api", "web", "search", "accounts", "media"]);
    const service = drawService(r, [base]);
    const gapMs = r.range(0.2, 0.8) * w.ms;
    // Two to six minutes, and at least two points of the grid.
    const lengthMs = Math.max(r.range(2, 6) * 60_000, 2.5 * w.intervalS * 1000);
    const gap = { type: "nodata" as const, start: offsetOf(gapMs), end: offsetOf(gapMs - lengthMs) };
    const withGap = (s: SeriesInput): SeriesInput => ({ ...s, incidents: [...(s.incidents ?? []), gap] });
    const question = askQuestion(
      r,
      {
        plain: [
          "How is {service} doing?",
          "Was there an outage on {short} {window}?",
          "Is anything wrong with {service}?",
        ],
        terse: ["{short} health", "{short} outage?"],
        rambling: [
          "there is a little hole in all the {short} graphs {window}, was the service down then or is that just monitoring? service is {service}",
        ],
        vague: ["Anything to know about {service}?", "Check {short}"],
        yesno: [{ text: "Is {short} healthy?", lead: YES }],
      },
      { service, short: service, window: w.phrase },
    );
    return {
      description: `${service} (${stack.name}): every metric misses ${Math.round(lengthMs / 60_000)} min of data ${ago(gapMs)} (an agent restart); all normal otherwise.`,
      service,
      question: question.text,
      window: w.window,
      series: [...frontDoorSeries(r, stack, w, drawLevels(r)), ...drawNeighbours(r, w)].map(withGap),
      expected: {
        forbidden_categories: [...ALL_CATEGORIES],
        ...(question.lead ? { answer: { lead: [question.lead] } } : {}),
      },
    };
  },
};
