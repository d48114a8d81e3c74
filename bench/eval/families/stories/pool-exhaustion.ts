import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, impliedWindow, offsetOf } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { metricPrefix } from "../metric-prefix.js";
import type { MetricRole } from "../metric-role.js";
import { askQuestion, YES } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { POOLS, type PoolRole } from "../roles/pools.js";
import { incidentAnswer, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { seriesOf, type SeriesInput } from "../series-draft.js";
import { drawService } from "../service-names.js";

/** The metrics of a pool as one prefix ending in `*`: any of them may carry the finding. */
function poolPrefix(pool: PoolRole): string {
  return metricPrefix(
    [pool.used, pool.limit, pool.share, pool.available, pool.waiting]
      .filter((m): m is MetricRole => m !== undefined)
      .map((m) => m.metric),
  );
}

/** The pool's series: in use (or free) reaching the limit at `startMs` over `rampMin`, clients waiting after. */
function poolSeries(
  r: DrawRandom,
  pool: PoolRole,
  intervalS: number,
  size: number,
  startMs: number,
  rampMin: number,
): SeriesInput[] {
  const before = r.range(0.35, 0.6);
  const full = { start: offsetOf(startMs), ramp: `${rampMin}m` };
  const out: SeriesInput[] = [
    seriesOf(pool.used, intervalS, {
      level: size * before,
      noise: 0.04,
      max: size,
      incidents: [{ type: "step", ...full, to: size }],
    }),
  ];
  if (pool.limit) out.push(seriesOf(pool.limit, intervalS, { level: size, noise: 0 }));
  if (pool.share)
    out.push(
      seriesOf(pool.share, intervalS, {
        level: before,
        noise: 0.04,
        max: 1,
        incidents: [{ type: "step", ...full, to: 1 }],
      }),
    );
  if (pool.available)
    out.push(
      seriesOf(pool.available, intervalS, {
        level: size * (1 - before),
        noise: 0.05,
        incidents: [{ type: "step", ...full, to: 0 }],
      }),
    );
  if (pool.waiting)
    out.push(
      seriesOf(pool.waiting, intervalS, {
        level: 0,
        noise: 0,
        incidents: [
          {
            type: "step",
            start: offsetOf(startMs - rampMin * 60_000),
            to: size * r.range(0.3, 2),
            ramp: "5m",
          },
        ],
      }),
    );
  return out;
}

export const poolExhaustion: ScenarioFamily = {
  name: "pool-exhaustion",
  story: "a connection, thread or worker pool fills to its limit; requests wait, latency and timeouts follow",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["1h", "2h", "3h", "6h", "12h", "24h"]);
    const pool = r.pick(POOLS);
    const stack = drawHttpStack(r);
    const levels = drawLevels(r);
    const base = r.pick(["orders", "billing", "accounts", "ledger", "booking", "inventory", "admin"]);
    const service = drawService(r, [base]);
    const size = Math.round(r.range(pool.size[0], pool.size[1]));
    const startMs = r.range(0.15, 0.55) * w.ms;
    // The pool fills over minutes and the service suffers once it is full, both inside the window.
    const rampMin = r.int(3, Math.max(3, Math.min(25, Math.floor(startMs / 120_000))));
    const fullMs = startMs - rampMin * 60_000;
    const factor = r.range(2, 6);
    const timeouts = r.chance(0.5);
    const question = askQuestion(
      r,
      {
        plain: [
          "Why is {service} timing out?",
          "Why are requests to {short} slow {window}?",
          "What is wrong with {service}?",
        ],
        terse: ["{short} timeouts", "{short} slow", "{thing} {service}?"],
        rambling: [
          "we keep getting timeouts from {short}, it started a bit ago and it is getting worse, I think it might be {thing} but not sure, can you check {service}?",
        ],
        vague: ["Check {service} please", "How is {short} doing?"],
        yesno: [
          { text: "Is {thing} maxed out on {service}?", lead: YES },
          { text: "Is {short} running out of connections?", lead: YES },
        ],
      },
      { service, short: service, thing: r.pick(pool.words), window: w.phrase },
    );
    const implied = impliedWindow(r, question.text, w);
    const front = frontDoorSeries(r, stack, w, levels, {
      latency: [{ type: "step", start: offsetOf(fullMs), factor: Number(factor.toFixed(2)), ramp: "2m" }],
      ...(timeouts
        ? {
            errors: [
              { type: "step" as const, start: offsetOf(fullMs), to: levels.rps * r.range(0.03, 0.15) },
            ],
          }
        : {}),
    });
    return {
      description: `${service} (${pool.name}, ${stack.name}): the pool of ${size} fills from ${ago(startMs)} over ${rampMin} min; latency ${factor.toFixed(1)}x${timeouts ? ", timeouts" : ""} once full.`,
      service,
      question: question.text,
      window: w.window,
      ...(implied ? { timeframe: null } : {}),
      series: [...front, ...poolSeries(r, pool, w.intervalS, size, startMs, rampMin)],
      expected: {
        findings: [
          { category: "saturation", metric: poolPrefix(pool), start: offsetOf(startMs), state: "ongoing" },
          { category: "latency", metric: stack.latency.metric, start: offsetOf(fullMs), state: "ongoing" },
          ...(timeouts
            ? [
                {
                  category: "errors" as const,
                  metric: stack.errors.metric,
                  start: offsetOf(fullMs),
                  state: "ongoing" as const,
                },
              ]
            : []),
        ],
        forbidden_categories: ["memory_leak", "capacity", "deploy_regression"],
        ...(implied ? { window: implied } : {}),
        answer: incidentAnswer(question, [pool.mention, "/limit|max|exhaust|full|100 ?%/"]),
      },
    };
  },
};
