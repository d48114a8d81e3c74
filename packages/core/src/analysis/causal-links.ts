import type { Finding } from "../finding.js";
import { formatDuration } from "./format-value.js";
import { isConsumedFlow } from "./zero-detections.js";

/**
 * Cause before symptom: links findings into chains with a stated reason, from their timing, the
 * kind of signal and where it sits (the service itself, the host, a process, a dependency). A
 * deploy explains the errors and latency after it; CPU saturation explains latency a few minutes
 * later; a process's heap leak explains the host's memory; a dependency's latency or an
 * exhausted pool explains the caller's latency; consumers gone explain a growing backlog;
 * traffic surging explains saturation. Each rule is one row of the table below, with its reason.
 */

/** Where a metric sits: the service's own work, a process, the host, or something it depends on. */
export type Level = "service" | "process" | "host" | "dependency";

const DEPENDENCY_NAMESPACE =
  /^(postgresql|mysql|pgbouncer|mongodb|redis|memcache|elasticsearch|cassandra|kafka|rabbitmq|sqs|aws\.(rds|sqs|dynamodb|elasticache)|consul|etcd|zk|zookeeper)\b/;
const DOWNSTREAM_TRACE =
  /^trace\.(jdbc|postgres|postgresql|pg|mysql2?|sql|sqlite|redis|mongodb|mongo|memcached|elasticsearch|opensearch|cassandra|dynamodb|aws|grpc\.client|okhttp|requests|httplib|urllib3|httpclient|http\.client)\./;

/** The level of a metric, by its name. */
export function levelOf(metric: string): Level {
  const name = metric.toLowerCase();
  if (
    DOWNSTREAM_TRACE.test(name) ||
    DEPENDENCY_NAMESPACE.test(name) ||
    /(^|[._])(db|database|pool|upstream)[._]/.test(name)
  )
    return "dependency";
  if (/^system\./.test(name)) return "host";
  if (/^(jvm|runtime|process|container|docker|kubernetes|ecs|go|python|ruby|nodejs)[._]/.test(name))
    return "process";
  return "service";
}

const MIN = 60_000;

interface CauseRule {
  readonly name: string;
  readonly isCause: (f: Finding) => boolean;
  readonly isEffect: (f: Finding, cause: Finding) => boolean;
  /** How long after the cause began the effect may begin (it may also begin up to `early` before). */
  readonly lagMs: number;
  readonly earlyMs: number | ((effect: Finding) => number);
  readonly reason: (cause: Finding, effect: Finding, delayMs: number) => string;
}

const significant = (f: Finding): boolean => f.severity !== "info";
const rises = (f: Finding): boolean => {
  const b = f.evidence.baseline;
  const l = f.evidence.level ?? f.evidence.peak;
  return typeof b === "number" && typeof l === "number" ? l > b : true;
};
const isCpuSaturation = (f: Finding): boolean => f.kind === "cpu" && f.category === "saturation";
const isLatency = (f: Finding): boolean => f.category === "latency";
const isServiceSymptom = (f: Finding): boolean =>
  (f.category === "latency" || f.category === "errors") && levelOf(f.metric) === "service";
const isQueueBacklog = (f: Finding): boolean =>
  f.category === "saturation" && /(queue|messages|lag|backlog|ready|enqueued)/.test(f.metric) && rises(f);
const isEviction = (f: Finding): boolean => /evict/.test(f.metric);

const CAUSE_RULES: readonly CauseRule[] = [
  {
    name: "deploy",
    isCause: (f) => f.category === "deploy_regression",
    isEffect: (f, c) =>
      (c.related ?? []).includes(f.id) && (f.category === "errors" || f.category === "latency"),
    lagMs: 30 * MIN,
    earlyMs: 3 * MIN,
    reason: (c, _e, d) =>
      `it began ${d < MIN ? "right after" : `${formatDuration(d)} after`} the deploy "${String(c.evidence.deploy_title ?? "")}"`,
  },
  {
    name: "consumers gone",
    isCause: (f) => f.category === "availability" && f.evidence.anomaly === "zero",
    isEffect: (f) => isQueueBacklog(f) || (f.category === "traffic" && !rises(f) && isConsumedFlow(f.metric)),
    lagMs: 60 * MIN,
    // A slow ramp is dated from its first rise, which noise can put early by a part of its length.
    earlyMs: (e) =>
      e.evidence.anomaly === "ramp" && typeof e.evidence.duration_min === "number"
        ? Math.max(5 * MIN, 0.15 * e.evidence.duration_min * MIN)
        : 5 * MIN,
    reason: (_c, e) =>
      e.category === "traffic"
        ? "nothing is taken off the queue: its consumers or workers stopped processing"
        : "nothing takes messages off the queue: its consumers or workers stopped processing, so the backlog grows",
  },
  {
    name: "memory at its limit",
    isCause: (f) =>
      (f.category === "saturation" || f.category === "memory_leak") &&
      (f.kind === "memory" || /mem/.test(f.metric)),
    isEffect: (f, c) => isEviction(f) && f.metric.split(".")[0] === c.metric.split(".")[0],
    lagMs: 60 * MIN,
    earlyMs: 30 * MIN,
    reason: () => "at its memory limit the cache evicts keys to make room",
  },
  {
    name: "process leak",
    isCause: (f) => f.category === "memory_leak" && levelOf(f.metric) === "process",
    isEffect: (f) => (f.kind === "memory" || f.category === "memory_leak") && levelOf(f.metric) === "host",
    lagMs: 24 * 60 * MIN,
    earlyMs: 24 * 60 * MIN,
    reason: () => "the process's growth is what fills the host's memory",
  },
  {
    name: "cpu saturation",
    isCause: isCpuSaturation,
    isEffect: (f) => isLatency(f) && levelOf(f.metric) !== "dependency",
    lagMs: 20 * MIN,
    earlyMs: 3 * MIN,
    reason: (_c, _e, d) =>
      `it began ${d < MIN ? "as" : `${formatDuration(d)} after`} CPU saturated — requests queue for CPU`,
  },
  {
    name: "dependency",
    isCause: (f) =>
      levelOf(f.metric) === "dependency" &&
      (f.category === "latency" || f.category === "saturation" || f.category === "errors") &&
      rises(f),
    isEffect: (f) => isServiceSymptom(f),
    lagMs: 15 * MIN,
    earlyMs: 5 * MIN,
    reason: (c) =>
      c.category === "saturation"
        ? "callers wait for the exhausted dependency (its pool or queue is full)"
        : "the service waits on its dependency",
  },
  {
    name: "traffic surge",
    isCause: (f) => f.category === "traffic" && rises(f),
    isEffect: (f) => f.category === "saturation" || f.category === "latency" || isCpuSaturation(f),
    lagMs: 30 * MIN,
    earlyMs: 5 * MIN,
    reason: () => "more load arrived first",
  },
];

/**
 * Findings with `caused_by` and `explains` links (ids), each effect with the reason of its
 * first cause in `cause_reason`. A finding is never its own cause, and links never form a circle:
 * the earlier-starting finding of a pair is the cause.
 */
export function linkCauses(findings: readonly Finding[]): Finding[] {
  const causedBy = new Map<string, string[]>();
  const explains = new Map<string, string[]>();
  const reasons = new Map<string, string>();
  for (const rule of CAUSE_RULES) {
    for (const cause of findings) {
      if (!significant(cause) || !rule.isCause(cause)) continue;
      for (const effect of findings) {
        if (effect.id === cause.id || !significant(effect) || !rule.isEffect(effect, cause)) continue;
        const delay = effect.window.start - cause.window.start;
        const early = typeof rule.earlyMs === "number" ? rule.earlyMs : rule.earlyMs(effect);
        if (delay > rule.lagMs || delay < -early) continue;
        // No circles: an effect that already explains this cause stays its cause.
        if ((causedBy.get(cause.id) ?? []).includes(effect.id)) continue;
        causedBy.set(effect.id, [...(causedBy.get(effect.id) ?? []), cause.id]);
        explains.set(cause.id, [...(explains.get(cause.id) ?? []), effect.id]);
        if (!reasons.has(effect.id)) reasons.set(effect.id, rule.reason(cause, effect, Math.max(0, delay)));
      }
    }
  }
  return findings.map((f) => {
    const by = causedBy.get(f.id);
    const ex = explains.get(f.id);
    if (!by && !ex) return f;
    return {
      ...f,
      ...(by ? { caused_by: [...new Set(by)] } : {}),
      ...(ex ? { explains: [...new Set(ex)] } : {}),
      ...(reasons.has(f.id) ? { cause_reason: reasons.get(f.id) } : {}),
    };
  });
}

/** The root of a finding's chain: follow `caused_by` back to a finding nothing explains. */
export function rootCauseOf(f: Finding, findings: readonly Finding[]): Finding {
  const byId = new Map(findings.map((x) => [x.id, x]));
  let current = f;
  const seen = new Set<string>([f.id]);
  for (;;) {
    const next = (current.caused_by ?? [])
      .map((id) => byId.get(id))
      .find((x) => x !== undefined && !seen.has(x.id));
    if (!next) return current;
    seen.add(next.id);
    current = next;
  }
}
