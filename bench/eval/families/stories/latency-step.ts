import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, impliedWindow, offsetOf } from "../draw-window.js";
import { drawLevels, frontDoorSeries, latencyMention } from "../front-door.js";
import { drawNeighbours } from "../neighbours.js";
import { askQuestion, NO, YES } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { incidentAnswer, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { drawService } from "../service-names.js";

export const latencyStep: ScenarioFamily = {
  name: "latency-step",
  story: "request latency steps up and stays up, with traffic and errors unchanged",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["30m", "1h", "2h", "4h", "6h", "12h", "24h"]);
    const stack = drawHttpStack(r);
    const levels = drawLevels(r);
    const base = r.pick([
      "search",
      "recommendations",
      "checkout",
      "pricing",
      "feed",
      "profile",
      "api",
      "quotes",
    ]);
    const service = drawService(r, [base]);
    const startMs = r.range(0.15, 0.55) * w.ms;
    const factor = r.range(1.8, 5);
    const question = askQuestion(
      r,
      {
        plain: [
          "Why is {service} slow?",
          "Why did {short} get slower {window}?",
          "What happened to {short} latency?",
        ],
        terse: ["{short} latency", "{short} slow", "p95 on {service}?"],
        rambling: [
          "users say {short} feels sluggish since a while, pages take forever to load, nothing was deployed as far as I know, can you check {service} {window}?",
        ],
        metric: ["Why is {metric} up on {service}?"],
        vague: ["Anything weird with {service}?", "Can you check {short}?"],
        yesno: [
          { text: "Is {short} slower than usual?", lead: YES },
          { text: "Is latency ok on {service}?", lead: NO },
        ],
      },
      { service, short: service, metric: stack.latency.metric, window: w.phrase },
    );
    const implied = impliedWindow(r, question.text, w);
    return {
      description: `${service} (${stack.name}): latency (${stack.latency.metric}, ${stack.latency.unit ?? "no unit"}) steps up ${factor.toFixed(1)}x ${ago(startMs)} and stays; nothing else changes.`,
      service,
      question: question.text,
      window: w.window,
      ...(implied ? { timeframe: null } : {}),
      series: [
        ...frontDoorSeries(r, stack, w, levels, {
          latency: [{ type: "step", start: offsetOf(startMs), factor: Number(factor.toFixed(2)) }],
        }),
        ...drawNeighbours(r, w),
      ],
      expected: {
        findings: [
          { category: "latency", metric: stack.latency.metric, start: offsetOf(startMs), state: "ongoing" },
        ],
        forbidden_categories: ["memory_leak", "capacity", "errors", "traffic", "deploy_regression"],
        ...(implied ? { window: implied } : {}),
        answer: incidentAnswer(question, [latencyMention(levels.latencyS * factor)]),
      },
    };
  },
};
