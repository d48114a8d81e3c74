import type { DrawRandom } from "../draw-random.js";
import { drawWindow, impliedWindow } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { drawNeighbours } from "../neighbours.js";
import { askQuestion, NO, YES } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { drawMemory } from "../roles/memory.js";
import { ALL_CATEGORIES, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { seriesOf } from "../series-draft.js";
import { drawService } from "../service-names.js";

export const quietService: ScenarioFamily = {
  name: "quiet-service",
  story: "nothing is wrong: daily cycles, noise, a few sparse errors",
  kind: "red herring",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["15m", "1h", "4h", "12h", "24h", "3d", "7d"]);
    const stack = drawHttpStack(r);
    // Quiet services are often small: a few requests a second, an error now and then.
    const levels = { ...drawLevels(r), rps: r.logRange(0.5, 800) };
    const mem = drawMemory(r, stack.runtime);
    const size = r.range(mem.size[0], mem.size[1]);
    const base = r.pick([
      "static-site",
      "docs",
      "admin",
      "status-page",
      "internal-tools",
      "avatars",
      "geoip",
    ]);
    const service = drawService(r, [base]);
    const question = askQuestion(
      r,
      {
        plain: [
          "How is {service} doing?",
          "Is anything wrong with {short} {window}?",
          "Give me a health check of {service}",
        ],
        terse: ["{short} health", "{service}?", "{short} status"],
        rambling: [
          "I'm taking over on-call for {short} this week and want to know if there is anything I should worry about, how does {service} look {window}?",
        ],
        vague: ["Anything I should know about {service}?", "All good with {short}?"],
        yesno: [
          { text: "Is {short} healthy?", lead: YES },
          { text: "Any problems with {service} {window}?", lead: NO },
          { text: "Is {service} ok?", lead: YES },
        ],
      },
      { service, short: service, window: w.phrase },
    );
    const implied = impliedWindow(r, question.text, w);
    return {
      description: `${service} (${stack.name}): healthy; ${levels.rps.toFixed(1)} requests a second, ${(levels.errorShare * 100).toFixed(2)} % errors, steady memory.`,
      service,
      question: question.text,
      window: w.window,
      ...(implied ? { timeframe: null } : {}),
      series: [
        ...frontDoorSeries(r, stack, w, levels),
        seriesOf(mem.used, w.intervalS, { level: size * r.range(0.3, 0.6), noise: 0.02, max: size }),
        ...(mem.limit ? [seriesOf(mem.limit, w.intervalS, { level: size, noise: 0 })] : []),
        ...drawNeighbours(r, w),
      ],
      monitors: r.chance(0.5)
        ? [
            {
              name: `${base} error rate`,
              state: "OK",
              query: `sum(last_5m):sum:${stack.errors.metric}{service:${service}}.as_count() > 100`,
              state_since: r.pick(["-3d", "-40d", "-400d"]),
              service_tag: r.chance(0.6),
            },
          ]
        : [],
      expected: {
        forbidden_categories: [...ALL_CATEGORIES],
        ...(implied ? { window: implied } : {}),
        ...(question.lead ? { answer: { lead: [question.lead] } } : {}),
      },
    };
  },
};
