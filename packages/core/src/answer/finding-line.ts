import {
  formatChange,
  formatDuration,
  formatRate,
  formatTime,
  formatValue,
  isShareUnit,
} from "../analysis/format-value.js";
import type { Finding } from "../finding.js";

function num(f: Finding, key: string): number | undefined {
  const v = f.evidence[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function text(f: Finding, key: string): string | undefined {
  const v = f.evidence[key];
  return typeof v === "string" ? v : undefined;
}

const TRANSIENT = new Set(["spike", "burst", "dip", "drop"]);

/** The threshold a finding crossed, in the metric's unit, with the share of the resource it means when that differs. */
function thresholdPhrase(f: Finding, v: (x: number) => string): string | undefined {
  const threshold = num(f, "threshold");
  if (threshold === undefined) return undefined;
  const level = text(f, "threshold_level");
  const usedPct = num(f, "threshold_used_pct");
  const extra =
    usedPct !== undefined && (text(f, "low_is_bad") === "yes" || !isShareUnit(text(f, "unit")))
      ? ` (${usedPct}% used)`
      : "";
  return `${level ? `${level} ` : ""}threshold ${v(threshold)}${extra}`;
}

/**
 * The numbers of a finding in one phrase, in the metric's unit throughout (shares as %, their
 * changes in percentage points): "236 ms → 429 ms (+82%), now 396 ms", "peak 100%; critical
 * threshold 90%; now 91.6%", "57.5% → 5.85% along its trend line (-52 pp); -5.2 pp/h".
 */
export function findingNumbers(f: Finding): string {
  const unit = text(f, "unit");
  const v = (x: number): string => formatValue(x, unit);
  const share = isShareUnit(unit);
  const parts: string[] = [];
  const baseline = num(f, "baseline");
  const level = num(f, "level");
  const peak = num(f, "peak");
  const current = num(f, "current");
  const anomaly = text(f, "anomaly");
  const usedPct = num(f, "used_pct");
  const lowIsBad = text(f, "low_is_bad") === "yes";
  const used = (x: number | undefined): string =>
    x !== undefined && usedPct !== undefined && (lowIsBad || !share) ? ` (${usedPct}% used)` : "";
  if (anomaly === "threshold") {
    if (baseline !== undefined) parts.push(`was ${v(baseline)} before`);
    if (peak !== undefined) parts.push(`${lowIsBad ? "lowest" : "peak"} ${v(peak)}${used(peak)}`);
    const threshold = thresholdPhrase(f, v);
    if (threshold) parts.push(threshold);
    if (current !== undefined) parts.push(`now ${v(current)}`);
  } else if (baseline !== undefined && (level !== undefined || peak !== undefined)) {
    const transient = anomaly !== undefined && TRANSIENT.has(anomaly);
    const shown = transient && peak !== undefined ? peak : (level ?? peak ?? baseline);
    const fitted = text(f, "fitted");
    const along =
      fitted === "trend"
        ? " along its trend line"
        : fitted === "floor"
          ? " (the floor after each collection)"
          : "";
    const change = share || baseline !== 0 ? ` (${formatChange(baseline, shown, unit)})` : "";
    parts.push(`${v(baseline)} → ${v(shown)}${along}${change}`);
    if (current !== undefined && !transient) parts.push(`now ${v(current)}`);
    const threshold = thresholdPhrase(f, v);
    if (threshold) parts.push(`crossed the ${threshold}`);
  } else if (peak !== undefined) {
    parts.push(`peak ${v(peak)}`);
  }
  const rate = num(f, "error_rate_pct");
  if (rate !== undefined) {
    const before = num(f, "baseline_error_rate_pct");
    parts.push(`error rate ${rate}%${before !== undefined ? ` (was ${before}%)` : ""}`);
  }
  const growth = num(f, "growth_per_hour");
  if (growth !== undefined) parts.push(formatRate(growth, unit));
  const toThreshold = num(f, "projected_threshold_h");
  const targetPct = num(f, "threshold_used_pct");
  if (toThreshold !== undefined && anomaly === "trend" && targetPct !== undefined)
    parts.push(`reaches ${targetPct}% used in ~${formatDuration(toThreshold * 3_600_000)}`);
  const full = num(f, "projected_full_h");
  if (full !== undefined) parts.push(`full in ~${formatDuration(full * 3_600_000)}`);
  const exhaustion = num(f, "projected_exhaustion_h");
  if (exhaustion !== undefined) parts.push(`runs out in ~${formatDuration(exhaustion * 3_600_000)}`);
  const gap = num(f, "gap_min");
  if (gap !== undefined) parts.push(`no data for ${formatDuration(gap * 60_000)}`);
  const stuck = num(f, "value");
  if (anomaly === "flatline" && stuck !== undefined) parts.push(`stuck at ${v(stuck)}`);
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

const RESOURCE_WORDS: Readonly<Record<string, string>> = { memory: "memory", cpu: "CPU", disk: "disk" };

/** " (memory use growing)" when a metric of what is left (usable memory, idle CPU, free disk) falls. */
function usage(f: Finding, down: boolean): string {
  const resource = f.kind !== undefined ? RESOURCE_WORDS[f.kind] : undefined;
  return down && resource && text(f, "low_is_bad") === "yes" ? ` (${resource} use growing)` : "";
}

/** What happened, in words that follow the metric's direction: usable memory falls while memory use grows. */
function anomalyWords(f: Finding): string | undefined {
  const anomaly = text(f, "anomaly");
  if (anomaly === undefined) return undefined;
  const baseline = num(f, "baseline");
  const level = num(f, "level");
  const down = baseline !== undefined && level !== undefined && level < baseline;
  switch (anomaly) {
    case "leak":
      if (text(f, "pattern") === "sawtooth") return "memory leak under a garbage-collection sawtooth";
      return down
        ? "steady fall (memory use growing, a leak pattern)"
        : "steady memory growth (a leak pattern)";
    case "step":
      return `${down ? "step down" : "step up"}${usage(f, down)}`;
    case "ramp":
      return `${down ? "steady fall" : "steady rise"}${usage(f, down)}`;
    case "threshold":
      return `${text(f, "low_is_bad") === "yes" ? "below" : "above"} the ${text(f, "threshold_level") ?? "warning"} threshold`;
    case "trend":
      return "filling trend";
    case "flatline":
      return "flat line";
    case "nodata":
      return "missing data";
    case "error_rate":
      return "high error rate";
    default:
      return anomaly;
  }
}

/**
 * A markdown list item for a finding: severity, category, what happened on which metric, when,
 * its numbers and what it is linked to. Findings without a series (deploys, monitors) are told
 * by their summary alone, which already names what, when and its numbers.
 */
export function findingLine(f: Finding, window: { readonly start: number; readonly end: number }): string {
  const head = `**${f.id} · ${f.severity} · ${f.category.replace("_", " ")}**`;
  const related = f.related && f.related.length > 0 ? ` (related: ${f.related.join(", ")})` : "";
  const words = anomalyWords(f);
  if (words === undefined) return `${head} — ${f.summary}${related}.`;
  const numbers = findingNumbers(f);
  return `${head} — ${words} on \`${f.metric}\`, ${findingWhen(f, window)}${numbers ? `: ${numbers}` : ""}${related}.`;
}
