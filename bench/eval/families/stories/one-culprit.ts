import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, offsetOf } from "../draw-window.js";
import { drawLevels, drawSeasonality, frontDoorSeries } from "../front-door.js";
import { askQuestion } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import { incidentAnswer, type FamilyScenario, type ScenarioFamily } from "../scenario-family.js";
import type { SeriesInput } from "../series-draft.js";
import { drawService } from "../service-names.js";
import { deployTitle, drawVersion } from "./deploy-words.js";

const MIN = 60_000;
/** Further back than any read reaches: a window widened to a week, and the week before it. */
const NEVER_BEFORE_MS = 21 * 86_400_000;

/** `count` distinct items, in a drawn order. */
function sample<T>(r: DrawRandom, items: readonly T[], count: number): T[] {
  const left = [...items];
  return Array.from(
    { length: Math.min(count, left.length) },
    () => left.splice(r.int(0, left.length - 1), 1)[0] as T,
  );
}

type Breakdown = "endpoint" | "host" | "version" | "zone" | "dependency";

const ENDPOINTS = [
  "GET /cart",
  "POST /charge",
  "GET /search",
  "POST /login",
  "GET /items/{id}",
  "PUT /profile",
  "POST /orders",
  "GET /recommendations",
];
const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c", "eu-west-1a", "eu-west-1b"];
const DEPENDENCIES = ["payments-db", "redis-cache", "auth-api", "inventory-api", "search-es", "kafka"];

/** The key Datadog tags each breakdown with (APM, the agent, unified service tagging, the cloud). */
const KEYS: Readonly<Record<Breakdown, string>> = {
  endpoint: "resource_name",
  host: "host",
  version: "version",
  zone: "availability-zone",
  dependency: "peer.service",
};

const WHICH: Readonly<Record<Breakdown, readonly string[]>> = {
  endpoint: ["Which endpoint is {bad} on {service}?", "which route of {short} is {bad}?"],
  host: ["Which host is {bad} on {service}?", "which instance of {short} is {bad}?"],
  version: ["Which version of {service} is {bad}?", "what release of {short} is {bad}?"],
  zone: ["Which availability zone is {bad} for {service}?", "which zone of {short} is {bad}?"],
  dependency: ["Which dependency is making {service} slow?", "which backend is slowing {short} down?"],
};

/**
 * The service's trouble sits in one place: one endpoint, one host, one zone, the new version, or
 * one dependency carries it, and the whole-service series only show it diluted. Each group is a
 * series of its own (the whole is their sum, or their average for latency), tagged as Datadog
 * would tag it, so a grouped read can find the culprit — and the answer must name it.
 */
export const oneCulprit: ScenarioFamily = {
  name: "one-culprit",
  story:
    "errors or latency come from one endpoint, host, zone, version or dependency; the answer must name it",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["1h", "2h", "3h", "4h", "6h"]);
    const stack = drawHttpStack(r);
    const levels = drawLevels(r);
    const base = r.pick(["checkout", "payments", "cart", "search", "orders", "auth", "catalog", "billing"]);
    const service = drawService(r, [base]);
    const breakdown = r.pick<Breakdown>(["endpoint", "host", "version", "zone", "dependency"]);
    const key = KEYS[breakdown];
    const signal: "errors" | "latency" =
      breakdown === "dependency"
        ? "latency"
        : breakdown === "version"
          ? "errors"
          : r.pick(["errors", "latency"]);
    const startMs = r.range(0.25, 0.6) * w.ms;
    const version = drawVersion(r);
    const values =
      breakdown === "endpoint"
        ? sample(r, ENDPOINTS, r.int(3, 5))
        : breakdown === "host"
          ? Array.from({ length: r.int(3, 5) }, (_, i) => `ip-10-0-${r.int(1, 250)}-${i + 11}`)
          : breakdown === "zone"
            ? sample(r, ZONES, 3)
            : breakdown === "dependency"
              ? sample(r, DEPENDENCIES, r.int(3, 4))
              : [`v${r.int(1, 3)}.${r.int(0, 20)}.${r.int(0, 9)}`, version];
    const culprit = breakdown === "version" ? version : r.pick(values);
    const n = values.length;
    const series: SeriesInput[] = [];
    const deployAt = offsetOf(startMs + r.range(1, 4) * MIN);
    const season = drawSeasonality(r, w);
    for (const value of values) {
      const group = [`${key}:${value}`];
      const bad = value === culprit;
      // A version reports only while it runs: the new one from the deploy, the old one until it.
      // The new one never ran before, so its silence reaches back past every read, history too
      // (a week and the week before it): else last week's reads would see both versions at once.
      const life =
        breakdown === "version"
          ? bad
            ? [{ type: "nodata" as const, start: offsetOf(w.ms + NEVER_BEFORE_MS), end: deployAt }]
            : [{ type: "nodata" as const, start: deployAt, end: "0" }]
          : [];
      const share = breakdown === "version" ? 1 : 1 / n;
      const errorsTo = levels.rps * share * r.range(0.08, 0.3);
      const incidents = {
        requests: life,
        errors: [
          ...life,
          ...(bad && signal === "errors"
            ? [{ type: "step" as const, start: offsetOf(startMs), to: errorsTo }]
            : []),
        ],
        latency: [
          ...life,
          ...(bad && signal === "latency"
            ? [{ type: "step" as const, start: offsetOf(startMs), factor: r.range(3, 6) }]
            : []),
        ],
      };
      // No cycle drawn is no cycle for any group. Passing undefined drew each group a cycle of
      // its own (the default), so a rollout handed traffic to a version on another daily cycle: a
      // real step in the service's traffic that the story says is not there. The draw is still
      // made, where the default made it, so that every later choice of the split stays as it was.
      if (season === undefined) drawSeasonality(r, w);
      const fd = frontDoorSeries(
        r,
        stack,
        w,
        { ...levels, rps: levels.rps * share },
        incidents,
        season ?? null,
      );
      for (const s of fd) series.push({ ...s, group });
    }
    const bad = signal === "errors" ? "failing" : "slow";
    const question = askQuestion(
      r,
      {
        plain: WHICH[breakdown],
        terse: [`which ${breakdown} is ${bad} on {short}?`],
        rambling: [`{short} is ${bad} {window}, can you tell me which ${breakdown} it is?`],
        vague: [signal === "errors" ? "Why are errors up on {service}?" : "Why is {service} slow?"],
      },
      {
        service,
        short: service,
        bad,
        metric: signal === "errors" ? stack.errors.metric : stack.latency.metric,
        window: w.phrase,
      },
    );
    const metric = signal === "errors" ? stack.errors.metric : stack.latency.metric;
    return {
      description: `${service} (${stack.name}): ${signal} ${signal === "errors" ? "rise" : "rises"} from ${ago(startMs)} on ${key} ${culprit} only, one of ${n} ${breakdown} group(s).`,
      service,
      question: question.text,
      window: w.window,
      series,
      events:
        breakdown === "version"
          ? [
              {
                title: deployTitle(r, service, version),
                at: deployAt,
                type: "deploy",
                tags: [`version:${version}`],
              },
            ]
          : [],
      expected: {
        findings: [{ category: signal === "errors" ? "errors" : "latency", metric }],
        forbidden_categories: ["memory_leak", "capacity"],
        answer: incidentAnswer(question, [culprit]),
        culprit: { key, value: culprit },
      },
    };
  },
};
