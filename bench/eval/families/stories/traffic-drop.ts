import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, impliedWindow, offsetOf } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { drawNeighbours } from "../neighbours.js";
import { askQuestion, NO, YES } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { incidentAnswer, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { drawService } from "../service-names.js";

const MIN = 60_000;

export const trafficDrop: ScenarioFamily = {
  name: "traffic-drop",
  story: "requests drop sharply (a routing or DNS change upstream); errors and latency stay normal",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["1h", "2h", "4h", "6h", "12h", "24h"]);
    const stack = drawHttpStack(r);
    const levels = { ...drawLevels(r), rps: r.logRange(20, 3000) };
    const base = r.pick(["storefront", "api-gateway", "landing", "mobile-api", "partner-api", "web"]);
    const service = drawService(r, [base]);
    const startMs = r.range(0.15, 0.55) * w.ms;
    const factor = r.range(0.08, 0.5);
    const recovered = startMs > 40 * MIN && r.chance(0.3);
    const endMs = recovered ? startMs - r.range(15, Math.min(60, startMs / MIN - 15)) * MIN : 0;
    const drop = {
      type: "step" as const,
      start: offsetOf(startMs),
      factor: Number(factor.toFixed(3)),
      ...(recovered ? { end: offsetOf(endMs) } : {}),
    };
    const question = askQuestion(
      r,
      {
        plain: [
          "Why did traffic drop on {service}?",
          "Where did {short}'s requests go {window}?",
          "Why are we getting fewer requests on {short}?",
        ],
        terse: ["{short} traffic", "{short} rps down", "requests {service}?"],
        rambling: [
          "marketing says conversions fell off a cliff a little while ago and they think the site is down, can you check if {service} is getting traffic?",
        ],
        metric: ["Why did {metric} fall on {service}?"],
        vague: ["What happened to {service}?", "Is everything fine with {short}?"],
        yesno: [
          { text: "Is traffic to {short} normal?", lead: recovered ? YES : NO },
          { text: "Did {short} lose traffic {window}?", lead: YES },
        ],
      },
      { service, short: service, metric: stack.requests.metric, window: w.phrase },
    );
    const implied = impliedWindow(r, question.text, w);
    return {
      description: `${service} (${stack.name}): requests fall to ${Math.round(factor * 100)} % ${ago(startMs)}${recovered ? ` and come back ${ago(endMs)}` : ""}; errors fall with them, latency unchanged.`,
      service,
      question: question.text,
      window: w.window,
      ...(implied ? { timeframe: null } : {}),
      series: [
        ...frontDoorSeries(r, stack, w, levels, { requests: [drop], errors: [drop] }),
        ...drawNeighbours(r, w),
      ],
      expected: {
        findings: [
          {
            category: "traffic",
            metric: stack.requests.metric,
            start: offsetOf(startMs),
            state: recovered ? "recovered" : "ongoing",
          },
        ],
        forbidden_categories: ["memory_leak", "capacity", "saturation", "latency", "deploy_regression"],
        ...(implied ? { window: implied } : {}),
        answer: incidentAnswer(question, ["/drop|fell|fall|down|decreas|lower|less/"]),
      },
    };
  },
};
