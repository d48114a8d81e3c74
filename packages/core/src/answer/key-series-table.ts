import type { SeriesStats } from "../analysis-result.js";
import { formatPct, formatPoints, formatValue, isShareUnit } from "../analysis/format-value.js";
import type { Finding } from "../finding.js";
import type { SignalKind } from "../metric-catalog.js";
import type { Intent } from "../plan.js";

const INTENT_KINDS: Readonly<Record<Intent, readonly SignalKind[]>> = {
  errors: ["errors", "requests", "latency"],
  performance: ["latency", "cpu", "requests", "saturation", "errors"],
  capacity: ["cpu", "memory", "disk", "saturation", "network"],
  health: ["errors", "latency", "requests", "cpu", "memory", "disk", "saturation"],
};

function labelOf(s: SeriesStats): string {
  return s.group.length > 0 ? `${s.metric}{${s.group.join(",")}}` : s.metric;
}

/**
 * The series worth showing for this question: those with findings first, then the signal kinds
 * the intent asks about, at most `limit` rows.
 */
export function keySeries(
  stats: readonly SeriesStats[],
  findings: readonly Finding[],
  intent: Intent,
  limit = 8,
): SeriesStats[] {
  const flagged = new Set(findings.map((f) => f.metric));
  const kinds = INTENT_KINDS[intent];
  const rank = (s: SeriesStats): number => {
    const k = s.kind ? kinds.indexOf(s.kind) : -1;
    return (flagged.has(s.metric) ? 0 : 100) + (k >= 0 ? k : 50);
  };
  return [...stats]
    .filter((s) => s.count > 0)
    .sort((a, b) => rank(a) - rank(b) || labelOf(a).localeCompare(labelOf(b)))
    .slice(0, limit);
}

/**
 * A compact markdown table of series statistics: current, mean, max, p95 and the change across
 * the window (last fifth against first fifth; percentage points for shares, else relative).
 */
export function keySeriesTable(rows: readonly SeriesStats[]): string {
  if (rows.length === 0) return "";
  const lines = ["| series | current | mean | max | p95 | change |", "|---|---:|---:|---:|---:|---:|"];
  for (const s of rows) {
    const v = (x: number | null): string => formatValue(x, s.unit);
    lines.push(
      `| \`${labelOf(s)}\` | ${v(s.current)} | ${v(s.mean)} | ${v(s.max)} | ${v(s.p95)} | ${isShareUnit(s.unit) ? formatPoints(s.change_abs, s.unit) : formatPct(s.change_pct)} |`,
    );
  }
  return lines.join("\n");
}
