import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { askQuestion, NO } from "../question-book.js";
import { CPUS } from "../roles/host-signals.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { ALL_CATEGORIES, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import { seriesOf } from "../series-draft.js";
import { drawService } from "../service-names.js";

export const oneSampleSpike: ScenarioFamily = {
  name: "one-sample-spike",
  story:
    "a single sample of latency or CPU far above the rest, then nothing: a GC pause or a scrape artefact",
  kind: "red herring",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["1h", "2h", "4h", "6h", "12h"]);
    const stack = drawHttpStack(r);
    const levels = drawLevels(r);
    const base = r.pick(["search", "api", "pricing", "profile", "feed"]);
    const service = drawService(r, [base]);
    const atS = Math.round(r.range(0.15, 0.8) * (w.ms / 1000));
    // Shorter than one interval: exactly one point of the grid falls inside (almost always).
    const spike = {
      type: "spike" as const,
      start: `-${atS}s`,
      end: `-${atS - w.intervalS + 1}s`,
      factor: Number(r.range(3, 10).toFixed(1)),
    };
    const onCpu = r.chance(0.35);
    const cpu = r.pick(CPUS.filter((c) => c.unit !== "nanocore"));
    const cpuLevel = r.range(0.1, 0.3);
    const question = askQuestion(
      r,
      {
        plain: [
          `Why did ${onCpu ? "CPU" : "latency"} spike on {service}?`,
          "Should I worry about {short} {window}?",
          "Is there a performance problem on {service}?",
        ],
        terse: [`{short} ${onCpu ? "cpu" : "latency"} spike`, "{short} perf"],
        rambling: [
          `there was a huge spike on the {short} ${onCpu ? "cpu" : "latency"} graph, is that a real problem or can I go back to sleep? service is {service}`,
        ],
        vague: ["How is {service}?", "Anything wrong with {short}?"],
        yesno: [{ text: `Is there a ${onCpu ? "CPU" : "latency"} problem on {service}?`, lead: NO }],
      },
      { service, short: service, window: w.phrase },
    );
    return {
      description: `${service} (${stack.name}): one sample of ${onCpu ? cpu.metric : stack.latency.metric} at ${spike.factor}x ${ago(atS * 1000)}, nothing else.`,
      service,
      question: question.text,
      window: w.window,
      series: [
        ...frontDoorSeries(r, stack, w, levels, onCpu ? {} : { latency: [spike] }),
        seriesOf(cpu, w.intervalS, {
          level: cpuLevel,
          noise: 0.06,
          ...(onCpu ? { incidents: [{ ...spike, factor: Math.min(spike.factor, 0.97 / cpuLevel) }] } : {}),
        }),
      ],
      expected: {
        forbidden_categories: [...ALL_CATEGORIES],
        ...(question.lead ? { answer: { lead: [question.lead] } } : {}),
      },
    };
  },
};
