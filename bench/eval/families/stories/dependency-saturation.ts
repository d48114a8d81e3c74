import type { DrawRandom } from "../draw-random.js";
import { ago, drawWindow, impliedWindow, offsetOf } from "../draw-window.js";
import { drawLevels, frontDoorSeries } from "../front-door.js";
import { catalogRole, ownRole, type MetricRole } from "../metric-role.js";
import { askQuestion, YES } from "../question-book.js";
import { drawHttpStack } from "../roles/http-stacks.js";
import {
  incidentAnswer,
  type Category,
  type FamilyScenario,
  type ScenarioFamily,
} from "../scenario-family.js";
import { seriesOf, type SeriesInput } from "../series-draft.js";
import { drawService } from "../service-names.js";

/** A dependency that saturates: the metric that shows it, its normal and saturated levels, and how to name it. */
interface Dependency {
  readonly words: string;
  readonly mention: string;
  readonly role: MetricRole;
  readonly normal: (r: DrawRandom) => number;
  readonly saturated: (r: DrawRandom) => number;
  /**
   * More of the dependency's metrics, unchanged or following (by `factor`); one that follows is a
   * symptom an SRE would name too, in one of `categories` (rejections are errors or saturation).
   */
  readonly extra?: ReadonlyArray<{
    readonly role: MetricRole;
    readonly level: number;
    readonly factor?: number;
    readonly categories?: readonly Category[];
  }>;
}

const DEPENDENCIES: readonly Dependency[] = [
  {
    words: "postgres",
    mention: "/postgres|connection/",
    role: catalogRole("postgresql.percent_usage_connections"),
    normal: (r) => r.range(0.3, 0.55),
    saturated: (r) => r.range(0.95, 0.99),
    extra: [{ role: catalogRole("postgresql.max_connections"), level: 200 }],
  },
  {
    words: "elasticsearch",
    mention: "/elasticsearch|search (thread )?pool|queue/",
    role: catalogRole("elasticsearch.thread_pool.search.queue", { integer: true }),
    normal: (r) => r.range(0, 3),
    saturated: (r) => r.range(400, 1000),
    extra: [
      {
        role: catalogRole("elasticsearch.thread_pool.search.rejected.count"),
        level: 0.01,
        factor: 400,
        categories: ["errors", "saturation"],
      },
    ],
  },
  {
    words: "cassandra",
    mention: "/cassandra|pending/",
    role: catalogRole("cassandra.pending_tasks", { integer: true }),
    normal: (r) => r.range(0, 4),
    saturated: (r) => r.range(150, 800),
    extra: [
      {
        role: catalogRole("cassandra.read_latency.99th_percentile"),
        level: 0.004,
        factor: 6,
        categories: ["latency", "saturation"],
      },
    ],
  },
  {
    words: "zookeeper",
    mention: "/zookeeper|outstanding/",
    role: catalogRole("zookeeper.outstanding_requests", { integer: true }),
    normal: (r) => r.range(0, 2),
    saturated: (r) => r.range(200, 1000),
    extra: [
      {
        role: catalogRole("zookeeper.avg_latency"),
        level: 0.002,
        factor: 20,
        categories: ["latency", "saturation"],
      },
    ],
  },
  {
    words: "the upstream",
    mention: "/upstream|pending|circuit|overflow/",
    role: catalogRole("envoy.cluster.upstream_rq_pending_active", { integer: true }),
    normal: (r) => r.range(0, 2),
    saturated: (r) => r.range(100, 600),
    extra: [
      {
        role: catalogRole("envoy.cluster.upstream_cx_overflow"),
        level: 0.005,
        factor: 600,
        categories: ["errors", "saturation"],
      },
    ],
  },
  {
    words: "cpu",
    mention: "/cpu/",
    role: ownRole("system.cpu.user", "agent", { unit: "percent", metric_type: "gauge" }),
    normal: (r) => r.range(0.25, 0.5),
    saturated: (r) => r.range(0.95, 0.995),
  },
  {
    words: "the redis clients",
    mention: "/redis|client/",
    role: catalogRole("redis.clients.blocked"),
    normal: (r) => r.range(0, 2),
    saturated: (r) => r.range(200, 900),
    extra: [{ role: catalogRole("redis.net.clients"), level: 300 }],
  },
];

export const dependencySaturation: ScenarioFamily = {
  name: "dependency-saturation",
  story:
    "a dependency (database pool, search thread pool, upstream, CPU) saturates and the service's latency follows",
  kind: "incident",
  draw(r: DrawRandom): FamilyScenario {
    const w = drawWindow(r, ["1h", "2h", "3h", "6h", "12h"]);
    const stack = drawHttpStack(r);
    const levels = drawLevels(r);
    const dep = r.pick(DEPENDENCIES);
    const base = r.pick(["orders", "catalog", "search-api", "listings", "accounts", "reports", "graphql"]);
    const service = drawService(r, [base]);
    const startMs = r.range(0.15, 0.5) * w.ms;
    // The dependency fills over a few minutes and latency follows once it is full, both inside the window.
    const rampMin = r.int(2, Math.max(2, Math.min(15, Math.floor(startMs / 180_000))));
    const lagMs = (rampMin + r.range(0, 2)) * 60_000;
    const factor = r.range(2, 5);
    const saturated = dep.saturated(r);
    const depSeries: SeriesInput[] = [
      seriesOf(dep.role, w.intervalS, {
        level: dep.normal(r),
        noise: r.range(0.03, 0.08),
        incidents: [{ type: "step", start: offsetOf(startMs), to: saturated, ramp: `${rampMin}m` }],
      }),
      ...(dep.extra ?? []).map((e) =>
        seriesOf(e.role, w.intervalS, {
          level: e.level,
          noise: 0.05,
          ...(e.factor
            ? {
                incidents: [
                  { type: "step" as const, start: offsetOf(startMs - lagMs / 2), factor: e.factor },
                ],
              }
            : {}),
        }),
      ),
    ];
    const question = askQuestion(
      r,
      {
        plain: [
          "Why is {service} slow?",
          "What is making {short} slow {window}?",
          "Find the bottleneck in {service}",
        ],
        terse: ["{short} slow", "{short} latency up", "bottleneck {service}?"],
        rambling: [
          "the {short} dashboards are all red on latency, nothing was deployed today, could it be a dependency? please check {service} {window}",
        ],
        vague: ["What's wrong with {service}?", "Analyze {short} performance"],
        yesno: [{ text: "Is {thing} the reason {short} is slow?", lead: YES }],
      },
      { service, short: service, thing: dep.words, window: w.phrase },
    );
    const implied = impliedWindow(r, question.text, w);
    return {
      description: `${service} (${stack.name}): ${dep.role.metric} saturates from ${ago(startMs)} (over ${rampMin} min) and latency rises ${factor.toFixed(1)}x after it.`,
      service,
      question: question.text,
      window: w.window,
      ...(implied ? { timeframe: null } : {}),
      series: [
        ...frontDoorSeries(r, stack, w, levels, {
          latency: [
            { type: "step", start: offsetOf(startMs - lagMs), factor: Number(factor.toFixed(2)), ramp: "3m" },
          ],
        }),
        ...depSeries,
      ],
      expected: {
        findings: [
          { category: "saturation", metric: dep.role.metric, start: offsetOf(startMs), state: "ongoing" },
          {
            category: "latency",
            metric: stack.latency.metric,
            start: offsetOf(startMs - lagMs),
            state: "ongoing",
          },
          ...(dep.extra ?? []).flatMap((e) =>
            e.categories
              ? [
                  {
                    category: [...e.categories],
                    metric: e.role.metric,
                    start: offsetOf(startMs - lagMs / 2),
                    state: "ongoing" as const,
                  },
                ]
              : [],
          ),
        ],
        forbidden_categories: ["memory_leak", "capacity", "deploy_regression", "traffic"],
        ...(implied ? { window: implied } : {}),
        answer: incidentAnswer(question, [dep.mention]),
      },
    };
  },
};
