import type { v1, v2 } from "@datadog/datadog-api-client";
import type { EventInfo, LogSummary, MonitorInfo, Series, ServiceScope } from "@orch/core";
import { makeSeries } from "./make-series.js";
import { epochMs } from "./normalise-wire-body.js";

/** Maps the SDK's Datadog responses to our shapes; tolerant of missing fields, never throws. */

const finite = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;

/** Series of a /api/v1/query answer, at most `max` of them. */
export function seriesFromQuery(
  response: v1.MetricsQueryResponse,
  metric: string,
  query: string,
  max: number,
  fallbackIntervalS: number,
): Series[] {
  return (response.series ?? []).slice(0, max).map((s) => {
    const points = (s.pointlist ?? []).flatMap((p): Array<[number, number | null]> => {
      const t = finite(p[0]);
      // Datadog's points are in epoch ms; a server sending seconds is read the same.
      return t === null ? [] : [[Math.abs(t) < 1e11 ? t * 1000 : t, finite(p[1])]];
    });
    const interval = finite(s.interval) ?? fallbackIntervalS;
    return makeSeries(s.metric ?? metric, query, s.tagSet ?? [], points, interval);
  });
}

/** Whether any of `tags` gives a scope tag's key another value (service:billing under service:checkout). */
function contradictsScope(tags: readonly string[], scope: ServiceScope): boolean {
  const lower = tags.map((t) => t.trim().toLowerCase());
  return scope.tags.some((tag) => {
    const key = `${tag.split(":")[0]}:`;
    const same = lower.filter((t) => t.startsWith(key));
    return same.length > 0 && !same.includes(tag);
  });
}

/**
 * Whether an event is inside the scope. Datadog already filtered by the tags we sent, and
 * plenty of events (CI/CD integrations, Kubernetes) carry no `service:` tag at all, so only an
 * event that names another value of a scope tag's key is dropped: a second line of defence
 * behind the filter, not a second filter.
 */
export function eventInScope(tags: readonly string[], scope: ServiceScope): boolean {
  return !contradictsScope(tags, scope);
}

/** `key:value` terms of a monitor query for the scope's keys, e.g. ["service:checkout"]. */
function scopeTermsOf(query: string, scope: ServiceScope): string[] {
  const keys = new Set(scope.tags.map((t) => t.split(":")[0] ?? ""));
  return [...query.toLowerCase().matchAll(/([a-z][a-z0-9_.\-/]*):([a-z0-9_.\-/]+)/g)]
    .filter((m) => keys.has(m[1] ?? ""))
    .map((m) => `${m[1]}:${m[2]}`);
}

/**
 * Whether a monitor is inside the scope: its query names a scope tag, or nothing about it
 * (tags or query) names another value of a scope tag's key.
 */
export function monitorInScope(tags: readonly string[], query: string, scope: ServiceScope): boolean {
  const terms = scopeTermsOf(query, scope);
  if (terms.some((t) => scope.tags.includes(t))) return true;
  return !contradictsScope(tags, scope) && !contradictsScope(terms, scope);
}

/** Epoch ms of an ISO string, a Date, or epoch seconds or ms. */
const timeOf = (value: unknown): number | undefined => epochMs(value);

export function monitorInfo(monitor: v1.Monitor): MonitorInfo {
  const state = typeof monitor.overallState === "string" ? monitor.overallState : "Unknown";
  const groups = Object.values(monitor.state?.groups ?? {});
  const triggered = groups.map((g) => finite(g.lastTriggeredTs) ?? 0).reduce((a, b) => Math.max(a, b), 0);
  // Without group states (not asked for, or not sent), a monitor that is not OK entered its state when it last changed.
  const modified =
    groups.length === 0 && state !== "OK"
      ? timeOf(monitor.additionalProperties?.overall_state_modified)
      : undefined;
  const since = triggered > 0 ? triggered * 1000 : modified;
  return {
    id: monitor.id ?? 0,
    name: monitor.name ?? "",
    state,
    tags: monitor.tags ?? [],
    ...(monitor.query ? { query: monitor.query } : {}),
    ...(since !== undefined && since > 0 ? { last_triggered: since } : {}),
  };
}

const EVENT_TYPES: ReadonlyArray<EventInfo["type"]> = ["deploy", "config", "alert", "scale", "other"];

/** Integrations whose events are deployments. */
const DEPLOY_SOURCES = new Set([
  "deployment",
  "deployments",
  "deploy",
  "argocd",
  "argo cd",
  "argo",
  "spinnaker",
  "octopus",
  "octopus deploy",
  "harness",
  "codedeploy",
  "aws codedeploy",
  "flux",
  "fluxcd",
  "helm",
  "change tracking",
]);
/** CI/CD integrations: their events are deployments unless they are plainly about code review or builds. */
const CI_SOURCES = new Set([
  "github",
  "github actions",
  "gitlab",
  "jenkins",
  "circleci",
  "travis",
  "travis ci",
  "teamcity",
  "bamboo",
  "azure devops",
  "buildkite",
  "bitbucket",
  "drone",
]);
const KUBERNETES_SOURCES = new Set(["kubernetes", "kubernetes_apiserver", "kube", "k8s", "openshift"]);
const CONFIG_SOURCES = new Set([
  "launchdarkly",
  "split",
  "optimizely",
  "configcat",
  "feature flags",
  "flagsmith",
]);

const DEPLOY_TAGS =
  /^(deploy|deployment|deployed|release|rollout)(:|$)|^(deploy|deployment|release|rollout)_id:/;
const DEPLOY_WORDS =
  /\b(deploy(ed|ment|ing|s)?|re-?deploy(ed)?|release[ds]?|releasing|rollout|rolled out|roll(ed|ing)? ?out|roll(ed)? ?back|ship(ped|ping)?|promot(ed|ion) to|upgraded? to v?\d)\b/i;
/** "checkout v5.2.0 to prod", "5.2.0 on production". */
const VERSION_TO_ENV =
  /\bv?\d+\.\d+(\.\d+)?([-+][\w.]+)?\s+(to|on|in|into)\s+(the\s+)?(prod\w*|production|staging|stage|canary|live|qa|preprod|[\w-]+-(prod|production))\b/i;
const NOT_A_DEPLOY =
  /\b(pull request|merge request|PR #?\d+|issues?|comment(ed)?|review(ed)?|starred|fork(ed)?|build (failed|passed|succeeded|started)|tests? (failed|passed))\b/i;
const KUBERNETES_ROLLOUT =
  /\b(rollout|rolled out|image|new replica ?set|deployment\b.*\b(updated|progress\w*|complete\w*))/i;

const sourceOf = (source: string | undefined): string =>
  (source ?? "").trim().toLowerCase().replace(/\s+/g, " ");

/** What an event is made of: its tags, title, text, alert type and the integration that sent it. */
export interface EventTraits {
  readonly tags: readonly string[];
  readonly title: string;
  readonly text?: string;
  readonly alertType?: string;
  readonly source?: string;
}

/**
 * What an event is: an `event_type:` tag; then deploy markers (deploy/release tags, CD and CI
 * integrations, Kubernetes rollouts, deploy words or "v1.2.3 to prod" in the title or text);
 * then configuration and scaling words; then a `version:` tag; then its alert type.
 */
export function eventType(traits: EventTraits): EventInfo["type"] {
  const tags = traits.tags.map((t) => t.trim().toLowerCase());
  const tagged = tags.find((t) => t.startsWith("event_type:"))?.slice("event_type:".length);
  const known = EVENT_TYPES.find((t) => t === tagged);
  if (known) return known;
  const words = `${traits.title} ${traits.text ?? ""}`;
  const source = sourceOf(traits.source);
  const deployWords = DEPLOY_WORDS.test(words) || VERSION_TO_ENV.test(words);
  if (tags.some((t) => DEPLOY_TAGS.test(t))) return "deploy";
  if (DEPLOY_SOURCES.has(source)) return "deploy";
  if (CI_SOURCES.has(source) && (deployWords || !NOT_A_DEPLOY.test(words))) return "deploy";
  if (KUBERNETES_SOURCES.has(source) && KUBERNETES_ROLLOUT.test(words)) return "deploy";
  if (CONFIG_SOURCES.has(source)) return "config";
  if (deployWords) return "deploy";
  if (/\b(config(uration)?|feature flag|flag (change|flip))\b/i.test(words)) return "config";
  if (/\b(scal(e|ed|ing)|autoscal\w*|replicas?)\b/i.test(words)) return "scale";
  const alerting = traits.alertType === "error" || traits.alertType === "warning";
  if (!alerting && tags.some((t) => t.startsWith("version:"))) return "deploy";
  if (alerting) return "alert";
  return "other";
}

export function eventInfo(event: v1.Event): EventInfo {
  const tags = event.tags ?? [];
  const title = event.title ?? "";
  const alertType = typeof event.alertType === "string" ? event.alertType : undefined;
  const type = eventType({
    tags,
    title,
    ...(event.text ? { text: event.text } : {}),
    ...(alertType ? { alertType } : {}),
    ...(event.sourceTypeName ? { source: event.sourceTypeName } : {}),
  });
  return {
    id: event.idStr ?? String(event.id ?? ""),
    title,
    time: (finite(event.dateHappened) ?? 0) * 1000,
    tags,
    type,
    ...(event.text ? { text: event.text } : {}),
    ...(alertType ? { alert_type: alertType } : {}),
  };
}

/** A compute value as the SDK left it: itself, or the raw data of an object it could not parse. */
function rawValue(value: unknown): unknown {
  if (typeof value === "object" && value !== null && !Array.isArray(value) && "_data" in value)
    return value._data;
  return value;
}

function countOf(value: unknown): number | null {
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  return finite(value);
}

/** Spreads `total` over slots in proportion to `weights`, in whole counts that add up to it. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || weights.length === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const whole = exact.map(Math.floor);
  let left = Math.round(total - whole.reduce((a, b) => a + b, 0));
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    whole[i] = (whole[i] ?? 0) + 1;
    left -= 1;
  }
  return whole;
}

/**
 * Error counts per bucket over [start, end), every bucket present (Datadog omits empty ones).
 * Reads the `c0` compute as timeseries points (`time` as ISO 8601, epoch ms or epoch s) or as a
 * total. A total without points is spread over the window like the sampled logs' timestamps
 * (evenly when there are none), so a count that was present never reads as zeros.
 */
export function errorCounts(
  response: v2.LogsAggregateResponse,
  start: number,
  end: number,
  bucketMs: number,
  sampleTimes: readonly number[] = [],
): Array<[number, number]> {
  const first = Math.floor(start / bucketMs) * bucketMs;
  const slots: number[] = [];
  for (let t = first; t < end; t += bucketMs) slots.push(t);
  const last = slots[slots.length - 1] ?? first;
  const slotOf = (time: number): number | null => {
    // A server may align its buckets differently: a point up to a bucket outside the window still counts.
    if (time < first - bucketMs || time >= end + bucketMs) return null;
    return Math.min(last, Math.max(first, Math.floor(time / bucketMs) * bucketMs));
  };
  const counts = new Map<number, number>();
  let points = 0;
  let total = 0;
  for (const bucket of response.data?.buckets ?? []) {
    const computes: Record<string, unknown> = bucket.computes ?? {};
    const value = rawValue(computes.c0 ?? Object.values(computes)[0]);
    const asTotal = countOf(value);
    if (asTotal !== null) total += asTotal;
    if (!Array.isArray(value)) continue;
    for (const point of value as unknown[]) {
      if (typeof point !== "object" || point === null) continue;
      const time = timeOf((point as { time?: unknown }).time);
      const n = countOf((point as { value?: unknown }).value);
      const slot = time === undefined ? null : slotOf(time);
      if (slot === null || n === null) continue;
      points += 1;
      counts.set(slot, (counts.get(slot) ?? 0) + n);
    }
  }
  if (points === 0) {
    const sampled = slots.map(() => 0);
    for (const time of sampleTimes) {
      const slot = slotOf(time);
      if (slot !== null) sampled[(slot - first) / bucketMs] = (sampled[(slot - first) / bucketMs] ?? 0) + 1;
    }
    const seen = sampled.reduce((a, b) => a + b, 0);
    const spread = total > 0 ? apportion(total, seen > 0 ? sampled : slots.map(() => 1)) : sampled;
    return slots.map((t, i) => [t, spread[i] ?? 0]);
  }
  return slots.map((t) => [t, counts.get(t) ?? 0]);
}

const messageOf = (text: string): string =>
  (text.split("\n")[0] ?? "").replace(/\s+/g, " ").trim().slice(0, 200);

/** Epoch ms of each sampled log that has a timestamp. */
export function logTimes(logs: readonly v2.Log[]): number[] {
  return logs.flatMap((log) => {
    const t = timeOf(log.attributes?.timestamp);
    return t === undefined ? [] : [t];
  });
}

/**
 * The ten most frequent messages among the sampled logs. When the sample holds fewer logs than
 * the total, counts are scaled to the total so they read as estimates over the whole window.
 */
export function topMessages(logs: readonly v2.Log[], total: number): LogSummary["top_messages"] {
  const counts = new Map<string, number>();
  for (const log of logs) {
    const message = messageOf(log.attributes?.message ?? "");
    if (message) counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  const scale = logs.length > 0 && total > logs.length ? total / logs.length : 1;
  return [...counts.entries()]
    .map(([message, count]) => ({ message, count: Math.round(count * scale) }))
    .sort((a, b) => b.count - a.count || a.message.localeCompare(b.message))
    .slice(0, 10);
}

/** A Datadog interval string for a number of seconds: "1h", "5m", "20s". */
export function intervalText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
