import {
  classifyMetric,
  isLimitMetric,
  limitMetricOf,
  summaryCountOf,
  type MetricProfile,
  type SignalKind,
} from "../metric-catalog.js";
import type { Intent, Plan, PlanCoverage, PlanStep } from "../plan.js";
import { metricsForQuestion, questionTerms, withoutService } from "./question-terms.js";

/** The share of the metric budget that the metrics a question names or implies may take first. */
const QUESTION_SHARE = 0.6;
/** Metrics listed as "reported but not read" at most. */
const MAX_UNREAD_LISTED = 20;
import type { PlanInput } from "../ports.js";
import { describeWindow, parseTimeframe, type TimeWindow } from "../time-window.js";
import {
  classifyIntent,
  isFollowUp,
  mentionedKinds,
  mentionedServices,
  slowProblemOf,
} from "./classify-question.js";

/** The signals each intent reads, most important first. */
export const INTENT_KINDS: Readonly<Record<Intent, readonly SignalKind[]>> = {
  errors: ["errors", "requests", "latency", "restarts", "saturation", "cpu", "memory"],
  performance: ["latency", "requests", "errors", "cpu", "saturation", "memory", "gc", "disk"],
  capacity: ["cpu", "memory", "disk", "saturation", "requests", "network", "restarts", "latency"],
  health: ["errors", "latency", "requests", "cpu", "memory", "disk", "saturation", "restarts"],
};

/**
 * The order in which each intent spends its metric budget: every occurrence of a kind reads its
 * next-best metric. A second metric of the signals that answer the question comes before a
 * first of those that rarely do (a bottleneck hunt wants a second pool before the disk).
 */
const INTENT_SLOTS: Readonly<Record<Intent, readonly SignalKind[]>> = {
  errors: [
    "errors",
    "requests",
    "latency",
    "restarts",
    "errors",
    "saturation",
    "cpu",
    "memory",
    "requests",
    "latency",
  ],
  performance: [
    "latency",
    "requests",
    "saturation",
    "cpu",
    "errors",
    "latency",
    "saturation",
    "gc",
    "memory",
    "cpu",
    "disk",
  ],
  capacity: [
    "cpu",
    "memory",
    "disk",
    "saturation",
    "requests",
    "cpu",
    "memory",
    "saturation",
    "network",
    "restarts",
    "disk",
    "latency",
  ],
  health: [
    "errors",
    "latency",
    "requests",
    "cpu",
    "memory",
    "disk",
    "saturation",
    "restarts",
    "latency",
    "errors",
    "saturation",
    "cpu",
    "memory",
  ],
};

/** Metric names to try when discovery returned nothing: the common Datadog defaults. */
export const FALLBACK_METRICS: Readonly<Record<SignalKind, string>> = {
  errors: "trace.http.request.errors",
  requests: "trace.http.request.hits",
  latency: "trace.http.request.duration.by.service.95p",
  cpu: "system.cpu.user",
  memory: "system.mem.pct_usable",
  disk: "system.disk.in_use",
  network: "system.net.bytes_rcvd",
  saturation: "system.load.norm.5",
  gc: "jvm.gc.major_collection_time",
  restarts: "kubernetes.containers.restarts",
};

interface Candidate {
  readonly metric: string;
  readonly profile: MetricProfile;
}

function candidatesByKind(metrics: readonly string[]): Map<SignalKind, Candidate[]> {
  const byKind = new Map<SignalKind, Candidate[]>();
  for (const metric of new Set(metrics)) {
    // Limits (heap max, disk total) are read with the usage they bound, never as a signal of their own.
    if (isLimitMetric(metric)) continue;
    const profile = classifyMetric(metric);
    if (!profile) continue;
    const list = byKind.get(profile.kind) ?? [];
    list.push({ metric, profile });
    byKind.set(profile.kind, list);
  }
  for (const list of byKind.values()) {
    list.sort((a, b) => b.profile.preference - a.profile.preference || a.metric.length - b.metric.length);
  }
  return byKind;
}

function metricStep(id: string, c: Candidate, reason: string): PlanStep {
  return {
    id,
    tool: "metrics",
    query: { metric: c.metric, aggregator: c.profile.aggregator, by: [], as_count: c.profile.asCount },
    reason,
  };
}

/** "days" for spans of two days or more, else "hours". */
function describeSpan(ms: number): string {
  return ms >= 2 * 86_400_000 ? "days" : "hours";
}

/**
 * The window to read. One the question or the request named is kept. Otherwise a follow-up
 * keeps the window of the question before it ("and memory?" after "… for the last 24 hours"),
 * and a question about a slow-developing problem (memory growth, a leak, a filling disk,
 * capacity, trends) reads at least 24 hours: the default hour cannot show it. The label says why.
 */
export function planWindow(
  input: Pick<PlanInput, "question" | "window" | "history"> & {
    readonly available_metrics?: readonly string[];
  },
): TimeWindow {
  const { window } = input;
  if (window.explicit) return window;
  const end = window.end;
  const ms = end - window.start;
  // A default that replaced a request for no window ("last 0m") keeps saying so.
  const ignored = /\(the default: (.+)\)$/.exec(window.label)?.[1];
  const widen = (to: number, reason: string): TimeWindow => ({
    start: end - to,
    end,
    label: `${describeWindow(to)} (chosen for the question, not the default ${describeWindow(ms)}: ${reason}${ignored ? `; ${ignored}` : ""})`,
    explicit: false,
  });
  const previous = [...input.history].reverse().find((m) => m.role === "user");
  const followUp = previous !== undefined && isFollowUp(input.question);
  if (previous && followUp) {
    const earlier = parseTimeframe(previous.content, `${Math.max(1, Math.round(ms / 60_000))}m`, end);
    if (earlier.explicit) return { ...earlier, label: `${earlier.label}, as in the previous question` };
  }
  const slow = slowProblemOf(input.question, input.available_metrics);
  if (slow && slow.windowMs > ms)
    return widen(slow.windowMs, `${slow.words} takes ${describeSpan(slow.windowMs)} to show`);
  const slowBefore = previous && followUp ? slowProblemOf(previous.content) : undefined;
  if (slowBefore && slowBefore.windowMs > ms)
    return widen(
      slowBefore.windowMs,
      `as for the previous question, ${slowBefore.words} takes ${describeSpan(slowBefore.windowMs)} to show`,
    );
  return window;
}

/**
 * The deterministic planner: classifies the question, then reads the service's own metrics
 * (from discovery) for the signals that answer it — named signals first, then the intent's —
 * plus monitors, deploy events and error logs, within `max_steps`.
 */
export function planOffline(input: PlanInput): Plan {
  const window = planWindow(input);
  const intent = classifyIntent(input.question, input.history);
  const named = mentionedKinds(withoutService(input.question, input.scope.service_id));
  const order = [...new Set<SignalKind>([...named, ...INTENT_KINDS[intent]])];
  const discovered = candidatesByKind(input.available_metrics);
  const usedDiscovery = discovered.size > 0;

  const extras: PlanStep[] = [
    { id: "monitors", tool: "monitors", reason: "alerting state of the service's monitors" },
  ];
  extras.push({ id: "events", tool: "events", reason: "deploys and changes that may explain a shift" });
  if (intent === "errors" || intent === "health" || named.includes("errors")) {
    extras.push({
      id: "logs",
      tool: "logs",
      filter: "status:error",
      reason: "error log volume and top messages",
    });
  }
  const metricBudget = Math.max(1, input.max_steps - extras.length);

  // A usage metric brings its limit along when the service reports it: "70 % of the heap" beats "2.8 GB".
  const available = new Set(input.available_metrics);
  const picked: Candidate[] = [];
  const pick = (c: Candidate): void => {
    picked.push(c);
    const limit = limitMetricOf(c.metric, input.available_metrics);
    const fresh = limit !== undefined && available.has(limit) && !picked.some((p) => p.metric === limit);
    // A limit is read like the usage it bounds, at its highest: it is a level, not a signal of its own.
    if (limit !== undefined && fresh && picked.length < metricBudget)
      picked.push({
        metric: limit,
        profile: { ...c.profile, aggregator: "max", asCount: false, preference: 0 },
      });
    // A summary's sum of durations is a latency only divided by its count: read the count alike.
    const count =
      c.profile.kind === "latency" ? summaryCountOf(c.metric, input.available_metrics) : undefined;
    if (count !== undefined && !picked.some((p) => p.metric === count) && picked.length < metricBudget)
      picked.push({ metric: count, profile: { ...c.profile, preference: 0 } });
  };
  // What the question names or implies comes first ("locks?" → the lock metrics), up to most of the budget.
  const terms = questionTerms(input.question, input.scope.service_id);
  const asked = metricsForQuestion(terms, input.available_metrics).filter((m) => !isLimitMetric(m.metric));
  const reasons = new Map<string, string>();
  for (const m of asked) {
    if (picked.length >= Math.ceil(QUESTION_SHARE * metricBudget)) break;
    const profile = classifyMetric(m.metric);
    if (!profile || picked.some((p) => p.metric === m.metric)) continue;
    pick({ metric: m.metric, profile });
    reasons.set(m.metric, `the question asks about ${m.concepts.join(", ") || "it by name"}`);
  }
  // Named signals next, up to three metrics each; then the intent's slots; the standard names when discovery found nothing.
  const slots: SignalKind[] = [];
  for (let rank = 0; rank < 3; rank++) slots.push(...named);
  slots.push(...INTENT_SLOTS[intent].filter((k) => !named.includes(k)));
  const taken = new Map<SignalKind, number>();
  for (const kind of slots) {
    if (picked.length >= metricBudget) break;
    const rank = taken.get(kind) ?? 0;
    taken.set(kind, rank + 1);
    const candidate = usedDiscovery
      ? discovered.get(kind)?.find((c) => !picked.some((p) => p.metric === c.metric))
      : rank === 0
        ? { metric: FALLBACK_METRICS[kind], profile: classifyMetric(FALLBACK_METRICS[kind]) }
        : undefined;
    if (candidate?.profile && !picked.some((p) => p.metric === candidate.metric))
      pick({ metric: candidate.metric, profile: candidate.profile });
  }
  // Leftover budget reads what remains, most relevant first: an incident may sit where nobody asked.
  const rest = [
    ...asked.flatMap((m) => {
      const profile = classifyMetric(m.metric);
      return profile ? [{ metric: m.metric, profile }] : [];
    }),
    ...[...discovered.entries()]
      .sort(([a], [b]) => rankOf(order, a) - rankOf(order, b))
      .flatMap(([, list]) => list.slice(0, 2)),
  ];
  for (const c of rest) {
    if (picked.length >= metricBudget) break;
    if (!picked.some((p) => p.metric === c.metric)) pick(c);
  }

  const steps: PlanStep[] = [
    ...picked.map((c, i) =>
      metricStep(
        `m${i + 1}`,
        c,
        reasons.get(c.metric) ?? `${c.profile.kind} signal for a ${intent} question`,
      ),
    ),
    ...extras,
  ].slice(0, input.max_steps);

  const coverage = coverageOf(terms, asked, picked, input.available_metrics, discovered);
  const kinds = [...new Set(picked.map((p) => p.profile.kind))].join(", ") || "none";
  const others = mentionedServices(input.question, input.scope.service_id);
  const rationale =
    `Classified as a ${intent} question${named.length > 0 ? ` naming ${named.join(", ")}` : ""}; ` +
    `reading ${picked.length} metric(s) (${kinds}) over the ${window.label}` +
    (usedDiscovery
      ? `, chosen from ${input.available_metrics.length} metric(s) the service reports`
      : ", using standard Datadog metric names because discovery found none") +
    ", plus monitors, deploy events" +
    (extras.some((s) => s.tool === "logs") ? " and error logs." : ".") +
    (others.length > 0
      ? ` The question also names ${others.join(", ")}: a job reads only its own service (${input.scope.service_id}).`
      : "");
  return {
    intent,
    window,
    steps,
    rationale: rationale + coverageNote(coverage),
    source: "offline",
    coverage,
  };
}

/** How a plan covers the question: what it names, what was found for it, and what was left unread. */
function coverageOf(
  terms: ReturnType<typeof questionTerms>,
  asked: readonly { metric: string; concepts: readonly string[] }[],
  picked: readonly Candidate[],
  available: readonly string[],
  discovered: ReadonlyMap<SignalKind, readonly Candidate[]>,
): PlanCoverage {
  const read = new Set(picked.map((p) => p.metric));
  const found = new Set(asked.flatMap((m) => m.concepts));
  const relevant = [
    ...asked.map((m) => m.metric),
    ...[...discovered.values()].flatMap((l) => l.map((c) => c.metric)),
  ];
  return {
    concepts: terms.concepts,
    unmatched: terms.concepts.filter((c) => !found.has(c)),
    read_for_question: asked.filter((m) => read.has(m.metric)).map((m) => m.metric),
    not_read: [...new Set(relevant)].filter((m) => !read.has(m)).slice(0, MAX_UNREAD_LISTED),
    available: available.length,
  };
}

function coverageNote(c: PlanCoverage): string {
  const parts: string[] = [];
  if (c.read_for_question.length > 0)
    parts.push(
      ` For what the question names (${c.concepts.join(", ") || "its words"}): ${c.read_for_question.join(", ")}.`,
    );
  if (c.unmatched.length > 0) parts.push(` The service reports no metric about ${c.unmatched.join(", ")}.`);
  if (c.not_read.length > 0) parts.push(` Reported but not read (budget): ${c.not_read.length}.`);
  return parts.join("");
}

function rankOf(order: readonly SignalKind[], kind: SignalKind): number {
  const i = order.indexOf(kind);
  return i < 0 ? order.length : i;
}
