import type { SeriesStats } from "../analysis-result.js";
import { formatPct, formatPoints, formatValue, isShareUnit } from "../analysis/format-value.js";
import type { Evidence } from "../evidence.js";
import type { Finding } from "../finding.js";
import { classifyMetric, type SignalKind } from "../metric-catalog.js";

const KIND_NAMES: Readonly<Record<SignalKind, string>> = {
  cpu: "CPU",
  memory: "Memory",
  disk: "Disk",
  network: "Network",
  latency: "Latency",
  errors: "Errors",
  requests: "Traffic",
  saturation: "Saturation (pools, queues, threads)",
  gc: "Garbage collection",
  restarts: "Restarts",
};

/** Whether a finding is about this kind of signal (by its series, or by its category for monitors and logs). */
export function findingIsAbout(f: Finding, kind: SignalKind): boolean {
  if (f.kind !== undefined) return f.kind === kind;
  switch (kind) {
    case "errors":
      return f.category === "errors";
    case "latency":
      return f.category === "latency";
    case "requests":
      return f.category === "traffic";
    case "memory":
      return f.category === "memory_leak";
    case "disk":
      return f.category === "capacity";
    default:
      return false;
  }
}

function label(s: SeriesStats): string {
  return s.group.length > 0 ? `${s.metric}{${s.group.join(",")}}` : s.metric;
}

/** "`system.mem.pct_usable` 57.8% now (mean 58%, 56.1–59.8% over the window, -0.3 pp)". */
export function seriesSummary(s: SeriesStats): string {
  const v = (x: number | null): string => formatValue(x, s.unit);
  const change = isShareUnit(s.unit) ? formatPoints(s.change_abs, s.unit) : formatPct(s.change_pct);
  return `\`${label(s)}\` ${v(s.current)} now (mean ${v(s.mean)}, ${v(s.min)}–${v(s.max)} over the window, ${change} across it)`;
}

/** A planned metric read that failed: the metric and why (the error's code). */
export interface FailedRead {
  readonly metric: string;
  readonly code: string;
}

/** Metric reads that failed, by the kind of signal their metric is, so no answer reads a failure as absence. */
export function failedReads(evidence: Evidence): Map<SignalKind, FailedRead> {
  const failed = new Map<SignalKind, FailedRead>();
  for (const r of evidence.results) {
    if (r.status !== "error" || r.tool !== "metrics") continue;
    const kind = classifyMetric(r.subject)?.kind;
    if (kind && !failed.has(kind)) failed.set(kind, { metric: r.subject, code: r.error.code });
  }
  return failed;
}

/**
 * One line per signal the question names ("CPU and memory", "and memory?"), in its order: the
 * findings about it, or the numbers that show it is fine, or that it was not read — because
 * its read failed (`failed`, by kind: a refused or broken read says nothing about the service),
 * or because the service reports no such metric. A question gets an answer about everything it
 * asked, not only about what went wrong.
 */
export function namedSignalLines(
  kinds: readonly SignalKind[],
  findings: readonly Finding[],
  stats: readonly SeriesStats[],
  failed: ReadonlyMap<SignalKind, FailedRead> = new Map(),
): string[] {
  return kinds.map((kind) => {
    const name = KIND_NAMES[kind];
    // A metric's own finding tells it best; logs and monitors corroborate it.
    const about = findings
      .filter((f) => f.severity !== "info" && findingIsAbout(f, kind))
      .map((f, rank) => ({ f, rank: rank + (f.metric === "logs" || f.metric === "monitors" ? 1000 : 0) }))
      .sort((a, b) => a.rank - b.rank)
      .map(({ f }) => f);
    const first = about[0];
    if (first) {
      const more = about.slice(1).map((f) => f.id);
      return `**${name}**: ${first.id} (${first.severity}) — ${first.summary}${more.length > 0 ? ` (also ${more.join(", ")})` : ""}.`;
    }
    const read = stats.filter((s) => s.kind === kind && s.count > 0);
    const main = read[0];
    const failure = failed.get(kind);
    if (!main && failure)
      return `**${name}**: unknown — the read of \`${failure.metric}\` failed (${failure.code}), so this says nothing about the service; see Missing data.`;
    if (!main)
      return `**${name}**: not read — the service reported no ${name.toLowerCase()} metric for this window.`;
    const others = read.length > 1 ? ` (${read.length} series read, none abnormal)` : "";
    const context = findings.filter((f) => f.severity === "info" && findingIsAbout(f, kind)).map((f) => f.id);
    const note = context.length > 0 ? `; context only: ${context.join(", ")}` : "";
    return `**${name}**: nothing abnormal — ${seriesSummary(main)}: no spike, step, trend or threshold breach${others}${note}.`;
  });
}
