import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, impliedWindow, offsetOf } from "../draw-window.js";
import { metricPrefix } from "../metric-prefix.js";
import { drawNeighbours } from "../neighbours.js";
import { askQuestion, NO, YES } from "../question-book.js";
import { QUEUES } from "../roles/queues.js";
import { incidentAnswer, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { seriesOf, type SeriesInput } from "../series-draft.js";
import { drawService } from "../service-names.js";

export const queueBacklog: ScenarioFamily = {
  name: "queue-backlog",
  story: "the consumers of a queue go away; nothing is taken off it and the backlog grows",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["1h", "2h", "3h", "6h", "12h"]);
    const queue = r.pick(QUEUES);
    const base = r.pick([
      "email-worker",
      "order-events",
      "thumbnailer",
      "webhooks",
      "billing-jobs",
      "etl",
      "notifier",
    ]);
    const service = drawService(r, [base]);
    const startMs = r.range(0.15, 0.55) * w.ms;
    const inflow = r.logRange(2, 500);
    const consumers = r.int(queue.consumerCount[0], queue.consumerCount[1]);
    const backlog = inflow * (startMs / 1000);
    const gone = { type: "flatline" as const, start: offsetOf(startMs), end: "0", value: 0 };
    const series: SeriesInput[] = [
      seriesOf(queue.depth, w.intervalS, {
        level: r.range(0, 3) * Math.min(inflow, 50),
        noise: 0.3,
        incidents: [{ type: "ramp", start: offsetOf(startMs), end: "0", to: backlog }],
      }),
    ];
    if (queue.consumers)
      series.push(seriesOf(queue.consumers, w.intervalS, { level: consumers, noise: 0, incidents: [gone] }));
    if (queue.outflow)
      series.push(
        seriesOf(queue.outflow, w.intervalS, {
          level: queue.name === "celery" ? consumers * r.range(0.5, 0.9) : inflow,
          noise: 0.08,
          incidents: [
            queue.outflow.reading === "cumulative"
              ? { type: "step", start: offsetOf(startMs), factor: 0.001 }
              : gone,
          ],
        }),
      );
    if (queue.inflow) series.push(seriesOf(queue.inflow, w.intervalS, { level: inflow, noise: 0.08 }));
    const question = askQuestion(
      r,
      {
        plain: [
          "Why is {thing} backing up on {service}?",
          "Why are {short} jobs delayed?",
          "What is going on with {short} {window}?",
        ],
        terse: ["{short} backlog", "{thing} {service}", "{short} lag"],
        rambling: [
          "customers say their notifications arrive super late or not at all, I think {short} is stuck somewhere, could you look at {service} {window}?",
        ],
        metric: ["Why does {metric} keep growing on {service}?"],
        vague: ["Is something broken with {service}?", "Check {short}"],
        yesno: [
          { text: "Is {short} processing messages?", lead: NO },
          { text: "Is {thing} on {service} stuck?", lead: YES },
        ],
      },
      { service, short: service, thing: r.pick(queue.words), metric: queue.depth.metric, window: w.phrase },
    );
    const implied = impliedWindow(r, question.text, w);
    // Consumers gone and nothing taken off the queue are one story: either metric may tell it.
    const consumerNames = [queue.consumers?.metric, queue.outflow?.metric].filter(
      (m): m is string => m !== undefined,
    );
    const consumerMetric = consumerNames.length > 0 ? metricPrefix(consumerNames) : undefined;
    return {
      description: `${service} (${queue.name}): its ${consumers} consumer(s) stop ${ago(startMs)}; about ${Math.round(inflow)} messages a second pile up (${Math.round(backlog)} by now).`,
      service,
      question: question.text,
      window: w.window,
      ...(implied ? { timeframe: null } : {}),
      series: [...series, ...drawNeighbours(r, w)],
      expected: {
        findings: [
          { category: "saturation", metric: queue.depth.metric, start: offsetOf(startMs), state: "ongoing" },
          ...(consumerMetric
            ? [
                {
                  category: ["availability", "traffic"] as Array<"availability" | "traffic">,
                  metric: consumerMetric,
                  start: offsetOf(startMs),
                  state: "ongoing" as const,
                },
              ]
            : []),
        ],
        forbidden_categories: ["memory_leak", "capacity", "deploy_regression", "latency"],
        ...(implied ? { window: implied } : {}),
        answer: incidentAnswer(question, ["/consumer|worker|processing|member/"]),
      },
    };
  },
};
