import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, impliedWindow, offsetOf } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { drawNeighbours } from "../neighbours.js";
import { askQuestion, NO } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { incidentAnswer, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import type { SeriesInput } from "../series-draft.js";
import { drawService } from "../service-names.js";

export const stoppedReporting: ScenarioFamily = {
  name: "stopped-reporting",
  story: "the service stops reporting every metric (host gone, agent dead) and has sent nothing since",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["1h", "2h", "3h", "6h", "12h"]);
    const stack = drawHttpStack(r);
    const base = r.pick(["cron-runner", "reporting", "legacy-api", "geo", "ingest", "exporter"]);
    const service = drawService(r, [base]);
    const startMs = Math.max(12 * 60_000, r.range(0.1, 0.45) * w.ms);
    const silent = (s: SeriesInput): SeriesInput => ({
      ...s,
      incidents: [...(s.incidents ?? []), { type: "nodata", start: offsetOf(startMs), end: "0" }],
    });
    const monitor = r.chance(0.5);
    const question = askQuestion(
      r,
      {
        plain: [
          "Is {service} up?",
          "What happened to {short}?",
          "Why are the {short} dashboards empty {window}?",
        ],
        terse: ["{short} status", "{short} down?", "{service}"],
        rambling: [
          "the graphs for {short} just stop at some point and I can't tell if the service is dead or just the monitoring, can you check {service}?",
        ],
        vague: ["How is {service} doing?", "Anything wrong with {short}?"],
        yesno: [
          { text: "Is {short} healthy?", lead: NO },
          { text: "Is {service} reporting metrics?", lead: NO },
        ],
      },
      { service, short: service, window: w.phrase },
    );
    const implied = impliedWindow(r, question.text, w);
    return {
      description: `${service} (${stack.name}): every series stops ${ago(startMs)}${monitor ? "; its heartbeat monitor is in No Data" : ""}.`,
      service,
      question: question.text,
      window: w.window,
      ...(implied ? { timeframe: null } : {}),
      series: [...frontDoorSeries(r, stack, w, drawLevels(r)), ...drawNeighbours(r, w)].map(silent),
      ...(monitor
        ? {
            monitors: [
              {
                name: `${base} heartbeat`,
                state: "No Data" as const,
                type: "metric alert" as const,
                query: `avg(last_10m):sum:${stack.requests.metric}{service:${service}}.as_count() < 1`,
                service_tag: r.chance(0.5),
                state_since: offsetOf(startMs - 10 * 60_000),
              },
            ],
          }
        : {}),
      expected: {
        findings: [{ category: "availability", start: offsetOf(startMs), state: "ongoing" }],
        forbidden_categories: [
          "latency",
          "errors",
          "saturation",
          "memory_leak",
          "capacity",
          "deploy_regression",
        ],
        ...(implied ? { window: implied } : {}),
        answer: incidentAnswer(question, [
          "/no data|stopped reporting|not reporting|missing|no (points|values)|silent|gap/",
        ]),
      },
    };
  },
};
