import {
  isLimitMetric,
  limitMetricOf,
  logCountSeries,
  parseUnit,
  rankSeries,
  seriesLabel,
  type EventInfo,
  type Finding,
  type JobStatus,
  type Series,
  type UnitFamily,
} from "@orch/core";
import type { StoredJob } from "@orch/queue";
import { downsamplePoints, type SeriesPoint } from "./downsample-points.js";

/** How much a response may hold: charts a person reads during an incident, not a data export. */
export const EVIDENCE_LIMITS = {
  /** Metrics charted, in relevance order (a metric is one chart, or one breakdown). */
  metrics: 8,
  /** Series of one metric (its groups: a breakdown by host, endpoint, version…). */
  seriesPerMetric: 12,
  /** Points of one series. */
  pointsPerSeries: 300,
  /** Points of all series together; each series gets its share, and at least 60. */
  points: 12_000,
} as const;

/** Why a series is in the evidence. */
export type SeriesRole = "finding" | "key" | "limit";

export interface EvidenceSeries {
  readonly id: string;
  readonly metric: string;
  readonly label: string;
  readonly query: string;
  readonly group: readonly string[];
  readonly role: SeriesRole;
  /** For a limit series: the usage metric it bounds. */
  readonly limit_of: string | null;
  readonly kind: string | null;
  readonly unit: string | null;
  readonly unit_family: UnitFamily | null;
  /** Size of one `unit` in its family's base (second, byte, bit, core, hertz, dollar, a share of 1). */
  readonly unit_scale: number | null;
  /** Ids of the findings that rest on this metric. */
  readonly findings: readonly string[];
  readonly interval_s: number;
  readonly points: readonly SeriesPoint[];
  readonly points_read: number;
  readonly downsampled: boolean;
}

export interface EvidenceThreshold {
  readonly metric: string;
  /** The group of a breakdown the finding names (its series alone crossed it); null for the metric. */
  readonly group: readonly string[] | null;
  readonly value: number;
  readonly level: "critical" | "warning" | "baseline";
  readonly label: string;
  readonly finding: string;
}

export interface EvidenceWindow {
  readonly finding: string;
  readonly metric: string;
  /** The group of a breakdown the finding names; null when it concerns the metric as a whole. */
  readonly group: readonly string[] | null;
  readonly severity: Finding["severity"];
  readonly state: Finding["state"];
  readonly start: number;
  readonly end: number;
  readonly recovered_at: number | null;
}

export interface EvidenceEvent {
  readonly id: string;
  readonly time: number;
  readonly title: string;
  readonly type: EventInfo["type"];
  readonly tags: readonly string[];
}

/** GET /jobs/:id/evidence: the data behind the answer, ready to chart. */
export interface EvidenceView {
  readonly job_id: string;
  readonly status: JobStatus;
  readonly window: { readonly start: number; readonly end: number; readonly label: string } | null;
  readonly series: readonly EvidenceSeries[];
  readonly windows: readonly EvidenceWindow[];
  readonly thresholds: readonly EvidenceThreshold[];
  readonly events: readonly EvidenceEvent[];
  /** Series read but left out by the limits (less relevant metrics, groups past the cap). */
  readonly omitted_series: number;
  /** The job read data, but it is no longer kept (orchestrator.evidence_retention_seconds). */
  readonly evidence_expired: boolean;
}

/** Findings that rest on a series rather than on monitors or events. */
const SERIES_FINDING = (f: Finding): boolean => f.metric !== "monitors" && f.metric !== "events";

/** Whether `text` names `tag` as a whole ("host:web-1" is not named by "host:web-10"). */
function names(text: string, tag: string): boolean {
  const escaped = tag.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9_.:/-])${escaped}($|[^A-Za-z0-9_.:/-])`).test(text);
}

/**
 * The group of the metric's series that a finding names ("…{host:web-3} stepped up"): the one
 * whose every tag its summary or evidence mentions. Null when it names none, or the series are
 * not grouped.
 */
function namedGroup(finding: Finding, series: readonly Series[]): readonly string[] | null {
  const text = [
    finding.summary,
    ...Object.values(finding.evidence).filter((v) => typeof v === "string"),
  ].join(" ");
  const named = series.filter(
    (s) => s.metric === finding.metric && s.group.length > 0 && s.group.every((tag) => names(text, tag)),
  );
  return named.length === 1 ? (named[0]?.group ?? null) : null;
}

function thresholdsOf(finding: Finding, group: readonly string[] | null): EvidenceThreshold[] {
  const out: EvidenceThreshold[] = [];
  const { threshold, threshold_level: level, baseline } = finding.evidence;
  if (typeof threshold === "number") {
    const severity = level === "warning" ? "warning" : "critical";
    out.push({
      metric: finding.metric,
      group,
      value: threshold,
      level: severity,
      label: `${severity} threshold`,
      finding: finding.id,
    });
  }
  if (typeof baseline === "number") {
    out.push({
      metric: finding.metric,
      group,
      value: baseline,
      level: "baseline",
      label: "baseline",
      finding: finding.id,
    });
  }
  return out;
}

/** Every series the execution read (metrics, and error logs as a count series), with data. */
function seriesRead(job: StoredJob): Series[] {
  const out: Series[] = [];
  for (const result of job.outputs.execution?.results ?? []) {
    if (result.status !== "ok") continue;
    if (result.tool === "metrics") out.push(...result.series);
    if (result.tool === "logs" && result.logs.error_counts.length > 0) out.push(logCountSeries(result.logs));
  }
  return out.filter((s) => s.points.some(([, v]) => v !== null));
}

/**
 * The evidence of a job as charts need it: the series its findings rest on first, then the key
 * series of the question, each with the limit the service reports beside it; the findings'
 * windows and thresholds; deploy and other events. Bounded and downsampled (LTTB) per
 * EVIDENCE_LIMITS. Groups of one metric (a breakdown) stay together, so a client can draw them
 * as small multiples.
 */
export function evidenceView(job: StoredJob): EvidenceView {
  const findings = job.outputs.feedback?.findings ?? [];
  const read = seriesRead(job);
  const available = [...new Set(read.map((s) => s.metric))];
  const limitOf = new Map<string, string>();
  for (const metric of available) {
    const limit = limitMetricOf(metric, available);
    if (limit && limit !== metric && available.includes(limit)) limitOf.set(metric, limit);
  }
  const limits = new Set(limitOf.values());
  const candidates = read.filter((s) => !(limits.has(s.metric) && isLimitMetric(s.metric)));

  const ranked = rankSeries(job.request.user_message, candidates, findings, []);
  const byMetric = new Map<string, Series[]>();
  for (const { series } of ranked) {
    const list = byMetric.get(series.metric);
    if (list) list.push(series);
    else if (byMetric.size < EVIDENCE_LIMITS.metrics) byMetric.set(series.metric, [series]);
  }
  const chosen: Array<{ series: Series; role: SeriesRole; limitOf?: string }> = [];
  const named = new Map(findings.map((f) => [f.metric, namedGroup(f, read)?.join(",")] as const));
  for (const [metric, ranked] of byMetric) {
    // The group a finding names leads its breakdown (a small multiple's first panel).
    const lead = named.get(metric);
    const list =
      lead === undefined
        ? ranked
        : [
            ...ranked.filter((s) => s.group.join(",") === lead),
            ...ranked.filter((s) => s.group.join(",") !== lead),
          ];
    const role: SeriesRole = findings.some((f) => f.metric === metric) ? "finding" : "key";
    for (const series of list.slice(0, EVIDENCE_LIMITS.seriesPerMetric)) chosen.push({ series, role });
    const limit = limitOf.get(metric);
    if (!limit) continue;
    const groups = new Set(list.map((s) => s.group.join(",")));
    const bounds = read.filter(
      (s) => s.metric === limit && (s.group.length === 0 || groups.has(s.group.join(","))),
    );
    for (const series of bounds.slice(0, EVIDENCE_LIMITS.seriesPerMetric))
      chosen.push({ series, role: "limit", limitOf: metric });
  }

  const cap = Math.min(
    EVIDENCE_LIMITS.pointsPerSeries,
    Math.max(60, Math.floor(EVIDENCE_LIMITS.points / Math.max(1, chosen.length))),
  );
  const series = chosen.map(({ series: s, role, limitOf: usage }, i): EvidenceSeries => {
    const unit = parseUnit(s.unit);
    const points = downsamplePoints(s.points, cap);
    return {
      id: `s${i + 1}`,
      metric: s.metric,
      label: s.metric === "logs" ? "error logs" : seriesLabel(s),
      query: s.query,
      group: s.group,
      role,
      limit_of: usage ?? null,
      kind: s.kind ?? null,
      unit: s.unit ?? null,
      unit_family: unit?.family ?? null,
      unit_scale: unit?.scale ?? null,
      findings: findings.filter((f) => f.metric === s.metric).map((f) => f.id),
      interval_s: s.interval_s,
      points,
      points_read: s.points.length,
      downsampled: points.length < s.points.length,
    };
  });

  const onSeries = findings.filter(SERIES_FINDING);
  const window = job.outputs.execution?.window ?? job.outputs.planning?.plan.window;
  const events = (job.outputs.execution?.results ?? []).flatMap((r) =>
    r.status === "ok" && r.tool === "events" ? r.events : [],
  );
  return {
    job_id: job.id,
    status: job.status,
    window: window ? { start: window.start, end: window.end, label: window.label } : null,
    series,
    windows: onSeries.map((f) => ({
      finding: f.id,
      metric: f.metric,
      group: namedGroup(f, read),
      severity: f.severity,
      state: f.state,
      start: f.window.start,
      end: f.window.end,
      recovered_at: f.recovered_at ?? null,
    })),
    thresholds: onSeries.flatMap((f) => thresholdsOf(f, namedGroup(f, read))),
    events: events
      .map((e) => ({ id: e.id, time: e.time, title: e.title, type: e.type, tags: e.tags }))
      .sort((a, b) => a.time - b.time),
    omitted_series: candidates.length - chosen.filter((c) => c.role !== "limit").length,
    evidence_expired: job.saved.includes("execution") && job.outputs.execution === undefined,
  };
}
