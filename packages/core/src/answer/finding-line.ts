import { formatDuration, formatPct, formatTime, formatValue } from "../analysis/format-value.js";
import type { Finding } from "../finding.js";

function num(f: Finding, key: string): number | undefined {
  const v = f.evidence[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function text(f: Finding, key: string): string | undefined {
  const v = f.evidence[key];
  return typeof v === "string" ? v : undefined;
}

/** The numbers of a finding in one phrase: "0.24 s → 0.62 s (+159%), error rate 4.6%". */
export function findingNumbers(f: Finding): string {
  const unit = text(f, "unit");
  const v = (x: number): string => formatValue(x, unit);
  const parts: string[] = [];
  const baseline = num(f, "baseline");
  const level = num(f, "level");
  const peak = num(f, "peak");
  const anomaly = text(f, "anomaly");
  if (baseline !== undefined && (level !== undefined || peak !== undefined)) {
    const transient = anomaly === "spike" || anomaly === "burst" || anomaly === "dip" || anomaly === "drop";
    const shown = transient && peak !== undefined ? peak : (level ?? peak ?? baseline);
    const pct = baseline !== 0 ? ((shown - baseline) / Math.abs(baseline)) * 100 : undefined;
    parts.push(`${v(baseline)} → ${v(shown)}${pct !== undefined ? ` (${formatPct(pct)})` : ""}`);
  } else if (peak !== undefined) {
    parts.push(`peak ${v(peak)}`);
  }
  const threshold = num(f, "threshold");
  if (threshold !== undefined)
    parts.push(
      `threshold ${v(threshold)}${num(f, "used_pct") !== undefined ? `, ${num(f, "used_pct")}% used` : ""}`,
    );
  const rate = num(f, "error_rate_pct");
  if (rate !== undefined) {
    const before = num(f, "baseline_error_rate_pct");
    parts.push(`error rate ${rate}%${before !== undefined ? ` (was ${before}%)` : ""}`);
  }
  const growth = num(f, "growth_per_hour");
  if (growth !== undefined) parts.push(`${growth > 0 ? "+" : ""}${v(growth)}/h`);
  const exhaustion = num(f, "projected_exhaustion_h") ?? num(f, "projected_full_h");
  if (exhaustion !== undefined) parts.push(`exhausted in ~${formatDuration(exhaustion * 3_600_000)}`);
  const gap = num(f, "gap_min");
  if (gap !== undefined) parts.push(`no data for ${formatDuration(gap * 60_000)}`);
  const stuck = num(f, "value");
  if (anomaly === "flatline" && stuck !== undefined) parts.push(`stuck at ${v(stuck)}`);
  const deploy = text(f, "deploy_title");
  if (deploy !== undefined) parts.push(`"${deploy}", ${num(f, "delay_min") ?? 0} min before the change`);
  const monitor = text(f, "monitor");
  if (monitor !== undefined) parts.push(`monitor "${monitor}" ${text(f, "state") ?? ""}`.trim());
  const message = text(f, "top_message");
  if (message !== undefined) parts.push(`top error "${message}" (${num(f, "top_message_count") ?? "?"}×)`);
  return parts.join("; ");
}

/** When a finding held: "since 13:26 UTC" when it runs to the end of the window, else a range. */
export function findingWhen(f: Finding, window: { readonly start: number; readonly end: number }): string {
  const windowMs = window.end - window.start;
  const ongoing = window.end - f.window.end <= Math.max(5 * 60_000, 0.02 * windowMs);
  if (ongoing && f.window.start >= window.end - 60_000) return "now";
  if (ongoing) return `since ${formatTime(f.window.start, windowMs)}`;
  return `${formatTime(f.window.start, windowMs)}–${formatTime(f.window.end, windowMs)}`;
}

const ANOMALY_WORDS: Readonly<Record<string, string>> = {
  spike: "spike",
  burst: "burst",
  dip: "dip",
  drop: "drop",
  step: "step change",
  ramp: "ramp",
  leak: "steady growth",
  threshold: "threshold breach",
  trend: "filling trend",
  flatline: "flat line",
  nodata: "missing data",
  error_rate: "high error rate",
};

/**
 * A markdown list item for a finding: severity, category, what happened on which metric, when,
 * its numbers and what it is linked to. Findings without a series (deploys, monitors) carry
 * their summary, which is their explanation.
 */
export function findingLine(f: Finding, window: { readonly start: number; readonly end: number }): string {
  const numbers = findingNumbers(f);
  const anomaly = text(f, "anomaly");
  const what =
    anomaly !== undefined ? `${ANOMALY_WORDS[anomaly] ?? anomaly} on \`${f.metric}\`` : `\`${f.metric}\``;
  const related = f.related && f.related.length > 0 ? ` (related: ${f.related.join(", ")})` : "";
  const explain = anomaly === undefined ? ` ${f.summary}.` : "";
  return `**${f.id} · ${f.severity} · ${f.category.replace("_", " ")}** — ${what}, ${findingWhen(f, window)}${numbers ? `: ${numbers}` : ""}${related}.${explain}`;
}
