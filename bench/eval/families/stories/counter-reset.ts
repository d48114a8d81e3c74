import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, offsetOf } from "../draw-window.js";
import { catalogRole, ownRole, type MetricRole } from "../metric-role.js";
import { drawNeighbours } from "../neighbours.js";
import { askQuestion, YES } from "../question-book.js";
import { ALL_CATEGORIES, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { seriesOf } from "../series-draft.js";
import { drawService } from "../service-names.js";
import { deployTitle, drawVersion } from "./deploy-words.js";

/** Running totals read raw, as a process exposes them; the rate per second they count and how users name it. */
interface Counters {
  readonly name: string;
  readonly words: string;
  readonly counters: ReadonlyArray<{ readonly role: MetricRole; readonly rate: (r: DrawRandom) => number }>;
}

const total = (metric: string, unit: string) =>
  ownRole(metric, "prometheus", { unit, reading: "cumulative", metric_type: "gauge" });

const COUNTERS: readonly Counters[] = [
  {
    name: "prometheus http",
    words: "requests",
    counters: [
      { role: total("http_requests_total", "request"), rate: (r) => r.logRange(5, 1500) },
      { role: total("http_request_errors_total", "error"), rate: (r) => r.logRange(0.01, 1) },
    ],
  },
  {
    name: "redis commands",
    words: "commands",
    counters: [
      {
        role: catalogRole("redis.net.commands", { reading: "cumulative" }),
        rate: (r) => r.logRange(50, 20000),
      },
    ],
  },
  {
    name: "nginx totals",
    words: "requests",
    counters: [
      {
        role: catalogRole("nginx.requests.total", { reading: "cumulative" }),
        rate: (r) => r.logRange(5, 3000),
      },
      {
        role: catalogRole("nginx.connections.accepted", { reading: "cumulative" }),
        rate: (r) => r.logRange(1, 200),
      },
    ],
  },
  {
    name: "activemq totals",
    words: "messages",
    counters: [
      {
        role: catalogRole("activemq.queue.enqueue_count", { reading: "cumulative" }),
        rate: (r) => r.logRange(1, 400),
      },
      {
        role: catalogRole("activemq.queue.dequeue_count", { reading: "cumulative" }),
        rate: (r) => r.logRange(1, 400),
      },
    ],
  },
];

export const counterReset: ScenarioFamily = {
  name: "counter-reset",
  story:
    "a process restarts and its raw running totals start again from zero; the rates they count never changed",
  kind: "red herring",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["1h", "3h", "6h", "12h", "24h"]);
    const set = r.pick(COUNTERS);
    const base = r.pick(["edge-proxy", "session-store", "broker", "api", "ingest"]);
    const service = drawService(r, [base]);
    const resetMs = r.range(0.2, 0.7) * w.ms;
    const deploy = r.chance(0.6);
    const version = drawVersion(r);
    const first = set.counters[0];
    const question = askQuestion(
      r,
      {
        plain: [
          `Why did ${set.words} drop to zero on {service}?`,
          "Is {short} handling {words} normally {window}?",
          "What happened to {short}?",
        ],
        terse: ["{short} {words}", "{metric} {service}", "{short} traffic"],
        rambling: [
          "the {metric} graph for {short} fell off a cliff to zero and is climbing again, did we lose all traffic? service is {service}",
        ],
        metric: ["Why did {metric} reset on {service}?"],
        vague: ["How is {service} doing?", "Anything wrong with {short}?"],
        yesno: [{ text: "Is {short} still getting {words}?", lead: YES }],
      },
      { service, short: service, words: set.words, metric: first?.role.metric ?? "", window: w.phrase },
    );
    const asksAboutDrop = /zero|reset|cliff|drop/i.test(question.text);
    return {
      description: `${service} (${set.name}): the process restarts ${ago(resetMs)}${deploy ? ` (deploy ${version})` : ""}; its running totals restart from 0 at unchanged rates.`,
      service,
      question: question.text,
      window: w.window,
      series: [
        ...set.counters.map((c) =>
          seriesOf(c.role, w.intervalS, {
            level: c.rate(r),
            noise: r.range(0.03, 0.1),
            incidents: [{ type: "reset", start: offsetOf(resetMs) }],
          }),
        ),
        ...drawNeighbours(r, w),
      ],
      events: deploy
        ? [
            {
              title: deployTitle(r, service, version),
              at: offsetOf(resetMs + 60_000),
              type: "deploy",
              tags: [`version:${version}`],
            },
          ]
        : [],
      expected: {
        forbidden_categories: [...ALL_CATEGORIES],
        ...(question.lead || asksAboutDrop
          ? {
              answer: {
                ...(asksAboutDrop
                  ? { must_mention: ["/reset|restart|counter|cumulative|running total/"] }
                  : {}),
                ...(question.lead ? { lead: [question.lead] } : {}),
              },
            }
          : {}),
      },
    };
  },
};
