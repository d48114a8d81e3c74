import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, impliedWindow, offsetOf } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { askQuestion, NO, YES } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { CACHES } from "../roles/caches.js";
import { incidentAnswer, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { seriesOf, type SeriesInput } from "../series-draft.js";
import { drawService } from "../service-names.js";

export const cacheFull: ScenarioFamily = {
  name: "cache-full",
  story: "a cache fills to its memory limit and starts evicting keys",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["2h", "4h", "6h", "12h", "24h"]);
    const cache = r.pick(CACHES);
    const base = r.pick([
      "sessions",
      "catalog-cache",
      "feature-flags",
      "rate-limiter",
      "page-cache",
      "tokens",
    ]);
    const service = drawService(r, [base]);
    const size = r.range(cache.size[0], cache.size[1]);
    const rampMs = r.range(0.4, 0.9) * w.ms;
    const fullMs = rampMs * r.range(0.2, 0.6);
    const fill = { type: "ramp" as const, start: offsetOf(rampMs), end: offsetOf(fullMs) };
    const before = r.range(0.5, 0.75);
    const evictions = r.logRange(0.5, 200);
    const series: SeriesInput[] = [
      seriesOf(cache.used, w.intervalS, {
        level: size * before,
        noise: 0.004,
        max: size,
        incidents: [{ ...fill, to: size }],
      }),
      seriesOf(cache.evictions, w.intervalS, {
        level: 0,
        noise: 0.1,
        incidents: [{ type: "step", start: offsetOf(fullMs), to: evictions }],
      }),
    ];
    if (cache.limit) series.push(seriesOf(cache.limit, w.intervalS, { level: size, noise: 0 }));
    if (cache.free)
      series.push(
        seriesOf(cache.free, w.intervalS, {
          level: size * (1 - before),
          noise: 0.01,
          incidents: [{ ...fill, to: size * 0.002 }],
        }),
      );
    const stack = drawHttpStack(r);
    const question = askQuestion(
      r,
      {
        plain: [
          "What is wrong with {thing} on {service}?",
          "Why is the hit rate dropping on {short}?",
          "How is {thing} doing {window}?",
        ],
        terse: ["{thing} {service}", "{short} cache", "{thing} memory"],
        rambling: [
          "our cache hit ratio looks worse and the database is getting more load than usual, is something up with {thing} for {service}?",
        ],
        metric: ["Why is {metric} flat at the top on {service}?"],
        vague: ["Anything wrong with {service}?", "Health check {short}"],
        yesno: [
          { text: "Is {thing} ok on {service}?", lead: NO },
          { text: "Is the {short} cache full?", lead: YES },
        ],
      },
      { service, short: service, thing: r.pick(cache.words), metric: cache.used.metric, window: w.phrase },
    );
    const implied = impliedWindow(r, question.text, w);
    const prefix = `${cache.used.metric.split(".")[0] ?? cache.used.metric}.*`;
    return {
      description: `${service} (${cache.name}): memory fills from ${Math.round(before * 100)} % to the ${(size / 1024 ** 3).toFixed(1)} GiB limit by ${ago(fullMs)}; ${evictions.toFixed(1)} evictions a second since.`,
      service,
      question: question.text,
      window: w.window,
      ...(implied ? { timeframe: null } : {}),
      series: [...series, ...frontDoorSeries(r, stack, w, drawLevels(r))],
      expected: {
        findings: [{ category: ["saturation", "capacity"], metric: prefix, state: "ongoing" }],
        forbidden_categories: ["memory_leak", "errors", "traffic", "deploy_regression"],
        ...(implied ? { window: implied } : {}),
        answer: incidentAnswer(question, [cache.limitWords, "/evict|nuked/"]),
      },
    };
  },
};
