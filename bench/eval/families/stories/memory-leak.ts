import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, minutesOf, offsetOf } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { askQuestion, YES } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { drawMemory } from "../roles/memory.js";
import { incidentAnswer, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { seriesOf } from "../series-draft.js";
import { drawService } from "../service-names.js";

const DAY = 86_400_000;

export const memoryLeak: ScenarioFamily = {
  name: "memory-leak",
  story: "memory grows steadily without levelling off, toward the limit where there is one",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["6h", "12h", "24h", "2d", "3d"]);
    const stack = drawHttpStack(r);
    const mem = drawMemory(r, stack.runtime);
    const base = r.pick(["payments", "ledger", "indexer", "renderer", "ingest", "sessions", "gateway"]);
    const service = drawService(r, [base]);
    const limit = r.range(mem.size[0], mem.size[1]);
    const startShare = r.range(0.25, 0.5);
    // Grows by a quarter to a half of the limit over the leak: clearly more than noise, short of the limit.
    const endShare = Math.min(0.93, startShare + r.range(0.25, 0.5));
    const leakMs = r.range(0.5, 1) * w.ms;
    const perDay = ((endShare - startShare) * limit) / (leakMs / DAY);
    const question = askQuestion(
      r,
      {
        plain: [
          "Why is memory growing on {service}?",
          "Is there a memory leak in {short}?",
          "What is happening with {short} memory {window}?",
        ],
        terse: ["{short} memory", "{short} mem leak?", "memory {service}"],
        rambling: [
          "the {short} pods keep using more and more memory, we restart them every few days and I am tired of it, can you see what is going on with {service}?",
        ],
        metric: ["Why does {metric} keep going up on {service}?"],
        vague: ["How is {service} doing?", "Any problems with {short}?"],
        yesno: [
          { text: "Is {short} leaking memory?", lead: YES },
          { text: "Is {thing} on {service} growing?", lead: YES },
        ],
      },
      { service, short: service, thing: r.pick(mem.words), metric: mem.used.metric, window: w.phrase },
    );
    // A leak shows over hours: a planner choosing the window must read at least half a day.
    // Only a question about memory implies a long look; "how is it doing?" may fairly read the last hour.
    const leaveWindow = r.chance(0.5) && question.style !== "vague" && !question.text.includes(w.phrase);
    const ramp = { type: "ramp" as const, start: offsetOf(leakMs), end: "0" };
    const series = [
      seriesOf(mem.used, w.intervalS, {
        level: limit * startShare,
        noise: r.range(0.005, 0.02),
        max: limit,
        incidents: [{ ...ramp, to: limit * endShare }],
      }),
      ...(mem.limit ? [seriesOf(mem.limit, w.intervalS, { level: limit, noise: 0 })] : []),
      ...(mem.share
        ? [
            seriesOf(mem.share, w.intervalS, {
              level: startShare,
              noise: 0.01,
              incidents: [{ ...ramp, to: endShare }],
            }),
          ]
        : []),
      ...frontDoorSeries(r, stack, w, drawLevels(r)),
    ];
    const metric = mem.share ? undefined : mem.used.metric;
    const nearLimit = endShare > 0.85 && (mem.limit !== undefined || mem.share !== undefined);
    return {
      description: `${service} (${mem.name}): ${mem.used.metric} grows ${(perDay / 1024 ** 3).toFixed(2)} GiB a day from ${ago(leakMs)}, ${Math.round(startShare * 100)} % → ${Math.round(endShare * 100)} % of ${(limit / 1024 ** 3).toFixed(1)} GiB.`,
      service,
      question: question.text,
      window: w.window,
      ...(leaveWindow ? { timeframe: null } : {}),
      series,
      expected: {
        findings: [
          {
            category: nearLimit ? ["memory_leak", "saturation"] : "memory_leak",
            ...(metric ? { metric } : {}),
            start: offsetOf(leakMs),
            state: "ongoing",
          },
        ],
        forbidden_categories: ["errors", "traffic", "latency", "deploy_regression", "capacity"],
        ...(leaveWindow ? { window: { min: minutesOf(12 * 3_600_000) } } : {}),
        answer: incidentAnswer(question, [
          "/leak|grow|climb|increas/",
          ...(mem.limit || mem.share ? ["/limit|max|run(s)? out|exhaust|oom/"] : []),
        ]),
      },
    };
  },
};
