import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, impliedWindow, offsetOf } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { drawNeighbours } from "../neighbours.js";
import { askQuestion, NO, YES } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { incidentAnswer, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { drawService } from "../service-names.js";
import { deployTitle, drawVersion, RELEASE_ERRORS } from "./deploy-words.js";

const MIN = 60_000;

export const errorsAfterDeploy: ScenarioFamily = {
  name: "errors-after-deploy",
  story: "a deploy is followed within minutes by a burst of 5xx errors; some are rolled back",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["1h", "2h", "3h", "4h", "6h", "12h", "24h"]);
    const stack = drawHttpStack(r);
    const levels = drawLevels(r);
    const base = r.pick(["checkout", "payments", "cart", "search", "orders", "auth", "catalog", "billing"]);
    const service = drawService(r, [base]);
    const version = drawVersion(r);
    const deployMs = r.range(0.15, 0.6) * w.ms;
    const errorsMs = deployMs - r.range(1, 5) * MIN;
    const share = r.range(0.04, 0.35);
    const rollback = errorsMs > 30 * MIN && r.chance(0.35);
    const endMs = rollback ? errorsMs - r.range(10, Math.min(25, errorsMs / MIN - 5)) * MIN : 0;
    const burst = { type: "step" as const, start: offsetOf(errorsMs), to: levels.rps * share };
    const errors = rollback ? [{ ...burst, end: offsetOf(endMs) }] : [burst];
    const question = askQuestion(
      r,
      {
        plain: [
          "Why are we seeing errors on {service}?",
          "What caused the 5xx spike on {short} {window}?",
          "{short} is throwing errors, what happened?",
        ],
        terse: ["{short} 5xx", "errors on {service}?", "{short} errors up {window}"],
        rambling: [
          "hey, support is getting tickets about failed requests on {short} and I just got paged, can you check what is going on with {service} {window}?",
        ],
        metric: ["Why did {metric} jump on {service}?"],
        vague: ["Something is off with {service}, can you look?", "What's going on with {short}?"],
        yesno: [
          { text: "Did the last deploy break {service}?", lead: YES },
          // Rolled back, it is healthy again: "Yes, now — errors spiked … back to normal" is right.
          { text: "Is {short} healthy?", lead: rollback ? YES : NO },
        ],
      },
      { service, short: service, metric: stack.errors.metric, window: w.phrase },
    );
    const message = r.pick(RELEASE_ERRORS);
    const implied = impliedWindow(r, question.text, w);
    return {
      description: `${service} (${stack.name}): ${Math.round(share * 100)} % of requests fail from ${ago(errorsMs)}, a few minutes after ${version} ships ${ago(deployMs)}${rollback ? `; rolled back ${ago(endMs)}` : ""}.`,
      service,
      question: question.text,
      window: w.window,
      ...(implied ? { timeframe: null } : {}),
      series: [...frontDoorSeries(r, stack, w, levels, { errors }), ...drawNeighbours(r, w)],
      events: [
        {
          title: deployTitle(r, service, version),
          at: offsetOf(deployMs),
          type: "deploy",
          tags: [`version:${version}`],
        },
        ...(rollback
          ? [
              {
                title: `Rollback ${service} to previous release`,
                at: offsetOf(endMs + MIN),
                type: "deploy" as const,
              },
            ]
          : []),
      ],
      logs: {
        errors_per_minute: r.range(0.2, 2),
        bursts: [
          {
            start: offsetOf(errorsMs),
            ...(rollback ? { end: offsetOf(endMs) } : { end: "0" }),
            factor: r.range(15, 60),
            message,
          },
        ],
      },
      expected: {
        findings: [
          {
            category: "errors",
            metric: stack.errors.metric,
            start: offsetOf(errorsMs),
            state: rollback ? "recovered" : "ongoing",
          },
          { category: "deploy_regression", metric: "events", start: offsetOf(deployMs) },
        ],
        forbidden_categories: ["memory_leak", "capacity"],
        ...(implied ? { window: implied } : {}),
        answer: incidentAnswer(question, [version]),
      },
    };
  },
};
