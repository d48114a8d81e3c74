import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, offsetOf } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { drawNeighbours } from "../neighbours.js";
import { askQuestion, YES } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { incidentAnswer, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { drawService } from "../service-names.js";

const MIN = 60_000;
const HOUR = 60 * MIN;

export const recoveredOutage: ScenarioFamily = {
  name: "recovered-outage",
  story:
    "an outage hours ago (traffic gone, errors up) that is over now; sometimes asked about by its absolute time",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["6h", "12h", "24h", "2d"]);
    const stack = drawHttpStack(r);
    const levels = { ...drawLevels(r), rps: r.logRange(10, 2000) };
    const base = r.pick(["checkout", "login", "api", "payments", "search", "gateway"]);
    const service = drawService(r, [base]);
    const startMs = r.range(0.3, 0.8) * w.ms;
    const lengthMs = r.range(5, 40) * MIN;
    const endMs = startMs - lengthMs;
    const outage = { start: offsetOf(startMs), end: offsetOf(endMs) };
    // Asked by absolute time: a window from shortly before to shortly after the outage, named in UTC.
    const absolute = r.chance(0.4);
    const fromMs = Math.ceil((startMs + r.range(0.5, 1.5) * HOUR) / (10 * MIN)) * 10 * MIN;
    const toMs = Math.max(5 * MIN, Math.floor((endMs - r.range(0.5, 1.5) * HOUR) / (10 * MIN)) * 10 * MIN);
    const from = offsetOf(fromMs);
    const to = offsetOf(toMs);
    const question = absolute
      ? {
          text: r.pick([
            `What happened to ${service} on {{date:${from}}} between {{time:${from}}} and {{time:${to}}} UTC?`,
            `Was there a problem with ${service} between {{time:${from}}} and {{time:${to}}} UTC on {{date:${from}}}?`,
            `${service} errors from {{iso:${from}}} to {{iso:${to}}}?`,
          ]),
          lead: undefined,
        }
      : askQuestion(
          r,
          {
            plain: [
              "Was there an outage on {service} {window}?",
              "What happened to {short} earlier?",
              "Did {short} go down {window}?",
            ],
            terse: ["{short} outage?", "{short} earlier today"],
            rambling: [
              "I was off and saw a bunch of alerts for {short} earlier that resolved themselves, what actually happened with {service} and is it fine now?",
            ],
            vague: ["How is {service} doing?", "Any incidents on {short} {window}?"],
            yesno: [
              { text: "Did {short} have an outage {window}?", lead: YES },
              { text: "Is {service} back to normal?", lead: YES },
            ],
          },
          { service, short: service, window: w.phrase },
        );
    return {
      description: `${service} (${stack.name}): an outage of ${Math.round(lengthMs / MIN)} min from ${ago(startMs)} (traffic near 0, errors up); normal since.`,
      service,
      question: question.text,
      window: w.window,
      ...(absolute ? { timeframe: null } : {}),
      series: [
        ...frontDoorSeries(r, stack, w, levels, {
          requests: [{ type: "dip", ...outage, factor: r.range(0.01, 0.1) }],
          errors: [{ type: "burst", ...outage, to: levels.rps * r.range(0.02, 0.08) }],
        }),
        ...drawNeighbours(r, w),
      ],
      expected: {
        findings: [
          {
            category: ["availability", "traffic"],
            metric: stack.requests.metric,
            start: outage.start,
            state: "recovered",
          },
          { category: "errors", metric: stack.errors.metric, start: outage.start, state: "recovered" },
        ],
        forbidden_categories: ["memory_leak", "capacity", "saturation", "deploy_regression"],
        ...(absolute ? { window: { start: from, end: to } } : {}),
        answer: incidentAnswer(question, ["/recover|resolved|back to normal|ended|since then|returned/"]),
      },
    };
  },
};
