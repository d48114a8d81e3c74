import type { FindingCategory, Severity } from "../finding.js";
import type { PreparedSeries } from "./prepared-series.js";
import { utilisationOf } from "./utilisation.js";
import { parseUnit } from "../units/unit.js";

/** Whether a move up (sign 1) or down (-1) is bad news for this metric. */
export function isBadDirection(p: PreparedSeries, sign: 1 | -1): boolean {
  const { profile } = p;
  if (!profile) return sign > 0;
  switch (profile.bad) {
    case "both":
      return true;
    case "down":
      return sign < 0;
    case "none":
      return false;
    default:
      return sign > 0;
  }
}

/** Whether the series moves bytes (network traffic) rather than counting packets or errors. */
function movesBytes(p: PreparedSeries): boolean {
  const family = parseUnit(p.unit)?.family;
  return family === "bytes" || family === "bits";
}

/** The finding category of an anomaly on a metric of this kind. */
export function categoryOf(p: PreparedSeries): FindingCategory {
  switch (p.kind) {
    case "latency":
      return "latency";
    case "errors":
      return "errors";
    case "requests":
      return "traffic";
    case "disk":
      return "capacity";
    case "network":
      return movesBytes(p) ? "traffic" : "errors";
    case "restarts":
      return "availability";
    default:
      return "saturation";
  }
}

/**
 * How serious a change from `baseline` to `level` is for this metric, or undefined when it is
 * too small to matter in practice (statistical significance is checked by the caller).
 * Thresholds are per signal: +30 % latency matters, +30 % disk bytes rarely does.
 */
export function changeSeverity(p: PreparedSeries, baseline: number, level: number): Severity | undefined {
  const ratio = baseline > 0 ? level / baseline : level > 0 ? Number.POSITIVE_INFINITY : 1;
  const util = utilisationOf(p);
  if (util) {
    const before = util.used(baseline);
    const after = util.used(level);
    const rise = after - before;
    if (rise <= 0) return undefined;
    const grew = after / Math.max(before, 1e-9);
    if (after >= util.crit && rise >= 0.05) return "critical";
    if (rise >= 0.15 && grew >= 1.3) return "warning";
    if (after >= util.warn && rise >= 0.05) return "warning";
    return rise >= 0.08 && grew >= 1.2 ? "info" : undefined;
  }
  // How many times worse: for metrics where low is bad (apdex, idle, free), the ratio turns around.
  const worse =
    p.profile?.higherIsWorse === false ? (level > 0 ? baseline / level : Number.POSITIVE_INFINITY) : ratio;
  switch (p.kind) {
    case "latency":
      if (worse >= 2) return "critical";
      if (worse >= 1.3) return "warning";
      return worse >= 1.15 ? "info" : undefined;
    case "errors": {
      // Counts: the +1 keeps a quiet counter (0 → 2 errors) from reading as a 200 % jump.
      const countRatio = p.isCount ? (level + 1) / (baseline + 1) : ratio;
      const absolute = level - baseline;
      if (p.isCount && absolute < 3) return undefined;
      if (countRatio >= 5) return "critical";
      if (countRatio >= 2) return "warning";
      return countRatio >= 1.5 ? "info" : undefined;
    }
    case "requests":
    case "network":
      if (p.kind === "network" && !movesBytes(p)) {
        return level - baseline >= 3 && ratio >= 3 ? "warning" : undefined;
      }
      if (ratio <= 0.4) return "critical";
      if (ratio <= 0.7) return "warning";
      if (ratio >= 4) return "critical";
      if (ratio >= 1.5) return "warning";
      return undefined;
    case "restarts":
      if (level - baseline >= 3) return "critical";
      return level - baseline >= 1 ? "warning" : undefined;
    case "memory":
    case "disk":
      if (ratio >= 1.8) return "critical";
      if (ratio >= 1.25 || ratio <= 1 / 1.25) return "warning";
      return undefined;
    case "cpu":
    case "saturation":
    case "gc":
      if (worse >= 3) return "critical";
      if (worse >= 1.5) return "warning";
      return worse >= 1.25 ? "info" : undefined;
    default:
      return worse >= 2 || worse <= 0.5 ? "info" : undefined;
  }
}
