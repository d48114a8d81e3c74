import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, impliedWindow, offsetOf } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { askQuestion, NO, YES } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { RESTARTS, WAITING } from "../roles/host-signals.js";
import { incidentAnswer, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { seriesOf } from "../series-draft.js";
import { drawService } from "../service-names.js";

export const crashLoop: ScenarioFamily = {
  name: "crash-loop",
  story: "containers crash and restart over and over; requests fail while they are down",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["1h", "2h", "3h", "6h"]);
    const restarts = r.pick(RESTARTS);
    const stack = drawHttpStack(r);
    const levels = drawLevels(r);
    const base = r.pick(["image-resizer", "pdf-render", "worker", "api", "scheduler", "auth"]);
    const service = drawService(r, [base]);
    const startMs = r.range(0.2, 0.6) * w.ms;
    const pods = r.int(2, 12);
    // Back-off grows to five minutes: a crash-looping pod restarts about every five minutes once it has failed a few times.
    const restartsBy = pods * Math.max(3, startMs / 60_000 / r.range(3, 6));
    const before = r.int(0, 3);
    const share = r.range(0.05, 0.4);
    const question = askQuestion(
      r,
      {
        plain: [
          "Why is {service} failing?",
          "Why do {short} pods keep restarting?",
          "What is happening to {short} {window}?",
        ],
        terse: ["{short} restarts", "{short} down?", "{short} crashloop"],
        rambling: [
          "k8s shows {short} pods flapping between running and crashloopbackoff, and users get errors, can you figure out what is happening with {service}?",
        ],
        metric: ["Why is {metric} climbing on {service}?"],
        vague: ["What's wrong with {service}?", "Status of {short}?"],
        yesno: [
          { text: "Is {short} stable?", lead: NO },
          { text: "Are {short} containers crashing?", lead: YES },
        ],
      },
      { service, short: service, metric: restarts.metric, window: w.phrase },
    );
    const implied = impliedWindow(r, question.text, w);
    return {
      description: `${service} (${stack.name}): ${pods} containers crash-loop from ${ago(startMs)}; ${Math.round(share * 100)} % of requests fail.`,
      service,
      question: question.text,
      window: w.window,
      ...(implied ? { timeframe: null } : {}),
      series: [
        seriesOf(restarts, w.intervalS, {
          level: before,
          noise: 0,
          incidents: [{ type: "ramp", start: offsetOf(startMs), end: "0", to: before + restartsBy }],
        }),
        seriesOf(WAITING, w.intervalS, {
          level: 0,
          noise: 0,
          incidents: [
            { type: "step", start: offsetOf(startMs), to: Math.max(1, Math.round(pods * r.range(0.3, 0.8))) },
          ],
        }),
        ...frontDoorSeries(r, stack, w, levels, {
          errors: [{ type: "step", start: offsetOf(startMs), to: levels.rps * share }],
        }),
      ],
      expected: {
        findings: [
          { category: "availability", metric: restarts.metric, start: offsetOf(startMs), state: "ongoing" },
          { category: "errors", metric: stack.errors.metric, start: offsetOf(startMs), state: "ongoing" },
        ],
        forbidden_categories: ["memory_leak", "capacity", "deploy_regression"],
        ...(implied ? { window: implied } : {}),
        answer: incidentAnswer(question, ["/restart|crash/"]),
      },
    };
  },
};
