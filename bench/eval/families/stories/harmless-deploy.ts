import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, offsetOf } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { drawNeighbours } from "../neighbours.js";
import { askQuestion, NO } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { ALL_CATEGORIES, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { drawService } from "../service-names.js";
import { deployTitle, drawVersion } from "./deploy-words.js";

export const harmlessDeploy: ScenarioFamily = {
  name: "harmless-deploy",
  story: "a deploy that changes nothing (at most a blip while pods roll)",
  kind: "red herring",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["1h", "2h", "4h", "6h", "24h"]);
    const stack = drawHttpStack(r);
    const levels = drawLevels(r);
    const base = r.pick(["checkout", "search", "profile", "orders", "cart", "notifications"]);
    const service = drawService(r, [base]);
    const version = drawVersion(r);
    const deployMs = r.range(0.2, 0.7) * w.ms;
    const deployAt = offsetOf(deployMs);
    const blip = r.chance(0.5);
    const question = r.chance(0.5)
      ? {
          text: r.pick([
            `Did the deploy at {{time:${deployAt}}} UTC break ${service}?`,
            `Anything wrong with ${service} since ${version} went out?`,
            `Did ${version} cause any regression on ${service}?`,
          ]),
          lead: NO,
        }
      : askQuestion(
          r,
          {
            plain: ["How is {service} doing after the deploy?", "Any regressions on {short} {window}?"],
            terse: ["{short} after deploy", "{short} post-deploy check"],
            rambling: [
              "we just shipped {version} to {short}, can you double check nothing went sideways? especially errors and latency on {service}",
            ],
            vague: ["How is {service}?", "Check {short}"],
            yesno: [{ text: "Did {version} break anything on {service}?", lead: NO }],
          },
          { service, short: service, version, window: w.phrase },
        );
    return {
      description: `${service} (${stack.name}): ${version} ships ${ago(deployMs)} and nothing changes${blip ? " beyond a brief latency blip while pods roll" : ""}.`,
      service,
      question: question.text,
      window: w.window,
      series: [
        ...frontDoorSeries(
          r,
          stack,
          w,
          levels,
          blip
            ? {
                latency: [
                  {
                    type: "spike",
                    start: offsetOf(deployMs - 60_000),
                    end: offsetOf(deployMs - r.range(2, 4) * 60_000),
                    factor: Number(r.range(1.1, 1.25).toFixed(2)),
                  },
                ],
              }
            : {},
        ),
        ...drawNeighbours(r, w),
      ],
      events: [
        {
          title: deployTitle(r, service, version),
          at: deployAt,
          type: "deploy",
          tags: [`version:${version}`],
        },
      ],
      expected: {
        forbidden_categories: [...ALL_CATEGORIES],
        ...(question.lead ? { answer: { lead: [question.lead] } } : {}),
      },
    };
  },
};
