import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, offsetOf, type DrawnWindow } from "../draw-window.js";
import { drawLevels, frontDoorSeries, type FrontDoorIncidents, type FrontDoorLevels } from "../front-door.js";
import { askQuestion } from "../question-book.js";
import { DISKS } from "../roles/disks.js";
import { drawHttpStack, type HttpStack } from "../roles/http-stacks.js";
import { drawMemory } from "../roles/memory.js";
import {
  incidentAnswer,
  allBut,
  type Category,
  type FamilyScenario,
  type ScenarioFamily,
} from "../scenario-family.js";
import { seriesOf, type SeriesInput } from "../series-draft.js";
import { drawService } from "../service-names.js";

type Expected = NonNullable<NonNullable<FamilyScenario["expected"]>["findings"]>[number];

/** One of the two incidents: its series or front-door incidents, what it expects, how an answer names it. */
interface Part {
  readonly series: SeriesInput[];
  readonly front?: FrontDoorIncidents;
  readonly expected: Expected;
  readonly categories: Category[];
  readonly mention: string;
  readonly what: string;
}

function latencyPart(w: DrawnWindow, stack: HttpStack, r: DrawRandom): Part {
  const startMs = r.range(0.05, 0.2) * w.ms;
  return {
    series: [],
    front: {
      latency: [{ type: "step", start: offsetOf(startMs), factor: Number(r.range(2, 4).toFixed(2)) }],
    },
    expected: {
      category: "latency",
      metric: stack.latency.metric,
      start: offsetOf(startMs),
      state: "ongoing",
    },
    categories: ["latency"],
    mention: "/latency|slow|duration|response time/",
    what: `latency steps up ${ago(startMs)}`,
  };
}

function errorsPart(w: DrawnWindow, stack: HttpStack, levels: FrontDoorLevels, r: DrawRandom): Part {
  const startMs = r.range(0.05, 0.25) * w.ms;
  return {
    series: [],
    front: { errors: [{ type: "step", start: offsetOf(startMs), to: levels.rps * r.range(0.05, 0.25) }] },
    expected: { category: "errors", metric: stack.errors.metric, start: offsetOf(startMs), state: "ongoing" },
    categories: ["errors"],
    mention: "/error|5xx|fail/",
    what: `errors step up ${ago(startMs)}`,
  };
}

function diskPart(w: DrawnWindow, r: DrawRandom): Part {
  const disk = r.pick(DISKS.filter((d) => d.share !== undefined));
  const share = disk.share;
  if (!share) throw new Error("a disk with a share");
  const end = r.range(0.82, 0.93);
  return {
    series: [
      seriesOf(share, w.intervalS, {
        level: end - r.range(0.12, 0.3),
        noise: 0.002,
        incidents: [{ type: "ramp", start: offsetOf(w.ms), end: "0", to: end }],
      }),
    ],
    expected: { category: "capacity", metric: share.metric, state: "ongoing" },
    categories: ["capacity"],
    mention: disk.what === "inodes" ? "/inode/" : "/disk|filesystem|volume/",
    what: `${disk.what} fills to ${Math.round(end * 100)} %`,
  };
}

function leakPart(w: DrawnWindow, stack: HttpStack, r: DrawRandom): Part {
  const mem = drawMemory(r, stack.runtime, true);
  const limit = r.range(mem.size[0], mem.size[1]);
  const start = r.range(0.25, 0.45);
  return {
    series: [
      seriesOf(mem.used, w.intervalS, {
        level: limit * start,
        noise: 0.01,
        max: limit,
        incidents: [
          { type: "ramp", start: offsetOf(w.ms * 0.9), end: "0", to: limit * (start + r.range(0.25, 0.4)) },
        ],
      }),
      ...(mem.limit ? [seriesOf(mem.limit, w.intervalS, { level: limit, noise: 0 })] : []),
    ],
    expected: {
      category: "memory_leak",
      metric: mem.used.metric,
      start: offsetOf(w.ms * 0.9),
      state: "ongoing",
    },
    categories: ["memory_leak"],
    mention: "/memory|heap|leak/",
    what: `${mem.used.metric} leaks`,
  };
}

export const twoIncidents: ScenarioFamily = {
  name: "two-incidents",
  story: "two unrelated problems at once (a latency step and a filling disk; errors and a memory leak)",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["24h", "2d", "3d"]);
    const stack = drawHttpStack(r);
    const levels = drawLevels(r);
    const pair = r.pick(["latency+disk", "errors+leak", "latency+leak", "errors+disk"] as const);
    const [first, second] = pair.split("+") as [string, string];
    const make = (kind: string): Part =>
      kind === "latency"
        ? latencyPart(w, stack, r)
        : kind === "errors"
          ? errorsPart(w, stack, levels, r)
          : kind === "disk"
            ? diskPart(w, r)
            : leakPart(w, stack, r);
    const parts = [make(first), make(second)];
    const base = r.pick(["platform", "core-api", "monolith", "backend", "main-app"]);
    const service = drawService(r, [base]);
    const question = askQuestion(
      r,
      {
        plain: [
          "What is wrong with {service}?",
          "Give me a health report for {short}",
          "Any problems on {service} {window}?",
        ],
        terse: ["{short} health", "{service} issues?", "{short} status"],
        rambling: [
          "I'm new on call for {short} and got two different alerts tonight, not sure if they are related, what is going on with {service}?",
        ],
        vague: ["How is {service} doing?", "Check {short}"],
      },
      { service, short: service, window: w.phrase },
    );
    const front = Object.assign({}, ...parts.map((p) => p.front ?? {})) as FrontDoorIncidents;
    const expectedCategories = parts.flatMap((p) => p.categories);
    return {
      description: `${service} (${stack.name}): two unrelated incidents: ${parts.map((p) => p.what).join("; ")}.`,
      service,
      question: question.text,
      window: w.window,
      series: [...frontDoorSeries(r, stack, w, levels, front), ...parts.flatMap((p) => p.series)],
      expected: {
        findings: parts.map((p) => p.expected),
        forbidden_categories: allBut(...expectedCategories, "saturation", "availability"),
        answer: incidentAnswer(
          {},
          parts.map((p) => p.mention),
        ),
      },
    };
  },
};
