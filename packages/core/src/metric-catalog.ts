import { integrationMetric } from "./catalog/integration-catalog.js";
import type { MetricMetadata } from "./evidence.js";
import { isLimitMetric as limitByWords, pairLimit } from "./semantics/limits.js";
import { nameRuleOf } from "./semantics/name-rules.js";
import { conventionUnitOf } from "./semantics/unit-conventions.js";
import { readWords, wordEvidence, type WordReading } from "./semantics/word-rules.js";
import { parseUnit, unitText } from "./units/unit.js";

export { SIGNAL_KINDS, type Aggregator, type SignalKind } from "./signal-kind.js";
import type { Aggregator, SignalKind } from "./signal-kind.js";

/** Where what we know of a metric comes from, most trusted first after the source's own unit. */
export type ProfileSource = "rules" | "metadata" | "integration" | "name";

/** What we know about a metric: kind, unit, type, how to aggregate it, which way is bad. */
export interface MetricProfile {
  readonly kind: SignalKind;
  /** Datadog's unit, optionally per another: "second", "byte", "fraction", "request/second"; "" for a plain number. */
  readonly unit: string;
  readonly aggregator: Aggregator;
  /** Counts are summed per interval (Datadog's `.as_count()`). */
  readonly asCount: boolean;
  /** Which move is bad: up (latency, errors), down (free memory, consumers), both (traffic), none (neutral). */
  readonly bad: "up" | "down" | "both" | "none";
  /** false for metrics where low is bad (free memory, idle CPU, usable %, consumers). */
  readonly higherIsWorse: boolean;
  /** The healthy state is "more than zero": falling to zero is an outage (consumers, healthy hosts). */
  readonly zeroIsBad?: boolean;
  /** Datadog's metric type, when known: gauge, count, rate, distribution. */
  readonly type?: string;
  /** Ranks alternatives of the same kind: the planner prefers the higher. */
  readonly preference: number;
  readonly source: ProfileSource;
  /** The integration that publishes it ("redisdb", "postgres"), for integration metrics. */
  readonly integration?: string;
  readonly description?: string;
  /** Which rule placed it, for the trace. */
  readonly rule?: string;
}

const KIND_AGGREGATOR: Readonly<Record<SignalKind, Aggregator>> = {
  latency: "avg",
  errors: "sum",
  requests: "sum",
  cpu: "avg",
  memory: "avg",
  disk: "max",
  network: "sum",
  saturation: "max",
  gc: "avg",
  restarts: "max",
};

/** Agent histogram variants (".avg", ".count", ".95percentile"…) rank below the plain metric. */
const VARIANT = /\.(avg|max|min|median|count|sum|bucket|\d+percentile)$/;

/** Readings we trust over a published orientation: the source data gets these wrong sometimes. */
const DECISIVE_RULES = /(serve|healthy when high|error words|a time unit|restart|slow work)/;

function badOf(reading: WordReading, orientation: -1 | 0 | 1): MetricProfile["bad"] {
  if (orientation === 0 || DECISIVE_RULES.test(reading.rule)) return reading.bad;
  return orientation < 0 ? "up" : "down";
}

/**
 * A metric whose words name no kind but whose integration publishes which way is bad: what
 * should stay low (over-limit responses, warnings, unhealthy checks) reads like errors, a time
 * like latency; what should stay high (successes, hits) like the work the service does.
 */
function byOrientation(orientation: -1 | 0 | 1, family: string | undefined): WordReading | undefined {
  const rule = "its integration's published direction (no kind in its words)";
  if (orientation < 0) return { kind: family === "time" ? "latency" : "errors", bad: "up", rule };
  if (orientation > 0 && family !== "time" && family !== "bytes")
    return { kind: "requests", bad: "down", rule };
  return undefined;
}

function profileFromWords(
  metric: string,
  info: { unit?: string; per_unit?: string; type?: string; description?: string; orientation?: -1 | 0 | 1 },
  source: ProfileSource,
  integration?: string,
): MetricProfile | undefined {
  const unitGuess = info.unit ?? (info.per_unit ? "" : conventionUnitOf(metric));
  const orientation = info.orientation ?? 0;
  const reading =
    readWords(wordEvidence(metric, unitGuess, info.per_unit), info.description) ??
    byOrientation(orientation, parseUnit(unitGuess, info.per_unit)?.family);
  if (!reading) return undefined;
  const bad = badOf(reading, orientation);
  const countLike = info.type === "count" || info.type === "rate";
  const unit = unitText(parseUnit(unitGuess, info.per_unit)) ?? "";
  return {
    kind: reading.kind,
    unit,
    aggregator: KIND_AGGREGATOR[reading.kind],
    asCount: countLike && (reading.kind === "errors" || reading.kind === "requests"),
    bad,
    higherIsWorse: bad !== "down",
    ...(reading.zeroIsBad ? { zeroIsBad: true } : {}),
    ...(info.type ? { type: info.type } : {}),
    // Published metrics with a direction are the ones their integration calls important.
    preference: (source === "name" ? 1 : 3) + (orientation !== 0 ? 2 : 0) - (VARIANT.test(metric) ? 3 : 0),
    source,
    ...(integration ? { integration } : {}),
    ...(info.description ? { description: info.description } : {}),
    rule: reading.rule,
  };
}

/**
 * What a metric is, from the most specific knowledge available: the hand-written rules for
 * Datadog's own names (APM, system, containers), live metadata read from Datadog, the published
 * metadata of its integration, and finally the words of its name. Units from metadata win over
 * the rules' guesses; a series' own unit wins over both (see `withSourceUnit`). Undefined when
 * nothing about it is recognisable.
 */
export function classifyMetric(metric: string, metadata?: MetricMetadata): MetricProfile | undefined {
  const name = metric.toLowerCase();
  const published = integrationMetric(metric);
  const rule = nameRuleOf(name);
  if (rule) {
    const unit = metadata?.unit ?? published?.unit;
    const per = metadata?.per_unit ?? published?.per_unit;
    return {
      kind: rule.kind,
      unit: unit !== undefined ? (unitText(parseUnit(unit, per)) ?? rule.unit) : rule.unit,
      aggregator: rule.aggregator,
      asCount: rule.asCount,
      bad: rule.bad,
      higherIsWorse: rule.bad !== "down",
      ...((metadata?.type ?? published?.type) ? { type: metadata?.type ?? published?.type } : {}),
      preference: rule.preference,
      source: "rules",
      ...(published ? { integration: published.integration, description: published.description } : {}),
      rule: "a rule for Datadog's own metric names",
    };
  }
  if (metadata && (metadata.unit || metadata.type || metadata.description)) {
    const fromMetadata = profileFromWords(
      metric,
      {
        ...(metadata.unit ? { unit: metadata.unit } : published?.unit ? { unit: published.unit } : {}),
        // A per-unit belongs to the unit it came with: the published one only beside the published unit.
        ...(metadata.per_unit
          ? { per_unit: metadata.per_unit }
          : !metadata.unit && published?.per_unit
            ? { per_unit: published.per_unit }
            : {}),
        // Live metadata often leaves the type out (null in Datadog's answer): the published type fills it.
        ...((metadata.type ?? published?.type) ? { type: metadata.type ?? published?.type } : {}),
        ...((metadata.description ?? published?.description)
          ? { description: metadata.description ?? published?.description }
          : {}),
        ...(published ? { orientation: published.orientation } : {}),
      },
      "metadata",
      metadata.integration ?? published?.integration,
    );
    if (fromMetadata) return fromMetadata;
  }
  if (published) return profileFromWords(metric, published, "integration", published.integration);
  return profileFromWords(metric, {}, "name");
}

/** A profile with the unit the source reported for the series itself, which wins over every guess. */
export function withSourceUnit(
  profile: MetricProfile | undefined,
  unit: { readonly name: string; readonly per?: string } | undefined,
): MetricProfile | undefined {
  if (!profile || !unit) return profile;
  const text = unitText(parseUnit(unit.name, unit.per));
  return text === undefined ? profile : { ...profile, unit: text };
}

/** Whether a metric is a limit (a maximum, a total, a configured cap) rather than a usage. */
export function isLimitMetric(metric: string, metadata?: MetricMetadata): boolean {
  const published = integrationMetric(metric);
  const description = metadata?.description ?? published?.description;
  const unit = parseUnit(metadata?.unit ?? published?.unit, metadata?.per_unit ?? published?.per_unit);
  // A limit is a level (a gauge): what Datadog types as a count or a rate counts events ("closed due to max requests").
  const type = metadata?.type ?? published?.type;
  if (type === "count" || type === "rate") return false;
  return limitByWords(metric, description, unit?.family);
}

/** Standard limits of usage metrics, for when no list of the service's metrics is at hand. */
const STANDARD_LIMITS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^jvm\.heap_memory$/, "jvm.heap_memory_max"],
  [/^system\.disk\.used$/, "system.disk.total"],
  [/^container\.memory\.(usage|rss|working_set)$/, "container.memory.limit"],
  [/^kubernetes\.memory\.(usage|rss|working_set)$/, "kubernetes.memory.limits"],
  [/^docker\.mem\.(rss|usage|in_use)$/, "docker.mem.limit"],
  [/^ecs\.fargate\.mem\.(usage|rss)$/, "ecs.fargate.mem.limit"],
];

/**
 * The metric that bounds a usage metric: the limit the service reports beside it among
 * `available` (redis.mem.used → redis.mem.maxmemory, postgresql.connections →
 * postgresql.max_connections), else a standard one (jvm.heap_memory → jvm.heap_memory_max).
 */
export function limitMetricOf(metric: string, available: readonly string[] = []): string | undefined {
  const name = metric.toLowerCase();
  if (isLimitMetric(metric)) return undefined;
  const standard = STANDARD_LIMITS.find(([re]) => re.test(name))?.[1];
  if (standard && (available.length === 0 || available.includes(standard))) return standard;
  const profile = classifyMetric(metric);
  if (!profile || (profile.kind !== "memory" && profile.kind !== "disk" && profile.kind !== "saturation"))
    return standard;
  return pairLimit(metric, available, (m) => isLimitMetric(m)) ?? standard;
}

const SUMMARY_SUM = /^(.+)([._])sum$/;

/**
 * The count beside a summary's or histogram's sum (`<name>.sum` → `<name>.count`, `_sum` →
 * `_count`): the number of requests the sum's total is spread over. With `available`, only when
 * the service reports it.
 */
export function summaryCountOf(metric: string, available?: readonly string[]): string | undefined {
  const m = SUMMARY_SUM.exec(metric);
  if (!m) return undefined;
  const count = `${m[1] ?? ""}${m[2] ?? "."}count`;
  return available === undefined || available.includes(count) ? count : undefined;
}

/** Names that promise a share of a limit: a pool's usage, a utilisation, a ratio. */
const SHARE_NAME = /(pct|percent|usage|utili[sz]ation|ratio)/;

/**
 * The unit to read a series in, given its values: a share-named metric with no unit reads as a
 * fraction when its values stay within 0–1, or as a percent within 0–100; a "fraction" whose
 * values go well past 1 (a fragmentation ratio) is a plain ratio, and a "percent" past 100 (CPU
 * across cores) stays a percent but is no share of one whole.
 */
export function shareUnitOf(
  metric: string,
  kind: SignalKind | undefined,
  unit: string | undefined,
  max: number,
): string | undefined {
  if (!Number.isFinite(max)) return unit;
  if (unit === "fraction" && max > 1.5) return "";
  if (kind === undefined || (unit !== undefined && unit !== "" && unit !== "number")) return unit;
  if (kind !== "saturation" && kind !== "memory" && kind !== "disk" && kind !== "cpu") return unit;
  if (!SHARE_NAME.test(metric.toLowerCase()) || max < 0) return unit;
  if (max <= 1) return "fraction";
  return max <= 100 ? "percent" : unit;
}
