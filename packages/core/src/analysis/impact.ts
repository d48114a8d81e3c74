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

/** Ratios of "how many times worse" that make a change context, a warning or critical, and why. */
interface RatioThresholds {
  readonly info?: number;
  readonly warn: number;
  readonly crit: number;
  readonly reason: string;
}

/**
 * The size of change that matters, per kind of signal. Statistical significance is checked by
 * the detectors; these say whether a significant change is worth an engineer's attention.
 */
export const CHANGE_THRESHOLDS = {
  latency: {
    info: 1.15,
    warn: 1.3,
    crit: 2,
    reason: "users feel +30 % latency; doubling breaks timeouts and SLOs",
  },
  errors: {
    info: 1.5,
    warn: 2,
    crit: 5,
    reason: "errors that double are a new fault; five times more is an outage for some users",
  },
  traffic: {
    warn: 1.5,
    crit: 4,
    reason:
      "traffic halving or surging ×1.5 changes what the service does; ÷2.5 or ×4 is an outage or a flood",
  },
  memoryOrDisk: {
    warn: 1.25,
    crit: 1.8,
    reason: "bytes held grow slowly; a quarter more in one window is worth a look",
  },
  load: {
    info: 1.25,
    warn: 1.5,
    crit: 3,
    reason: "CPU, pools, queues and GC absorb +25 %; +50 % eats headroom; ×3 saturates",
  },
  other: {
    info: 2,
    warn: Number.POSITIVE_INFINITY,
    crit: Number.POSITIVE_INFINITY,
    reason: "an unknown signal is context only",
  },
} as const satisfies Readonly<Record<string, RatioThresholds>>;

/**
 * Error counts: a quiet counter going from 0 to 2 is no burst; at least this many more errors per
 * point of a minute or more. Points shorter than a minute need proportionally fewer: 2 more errors
 * every 20 s is 6 more a minute.
 */
const MIN_EXTRA_ERRORS = 3;
const minExtraErrors = (p: PreparedSeries): number => MIN_EXTRA_ERRORS * Math.min(1, p.intervalMs / 60_000);
/** Restarts: one more restart is a warning, three a crash loop. */
const RESTARTS = { warn: 1, crit: 3 } as const;
/** Share-of-capacity rises (in points of the share) that matter below and above a resource's thresholds. */
const SHARE_RISE = { info: 0.08, warn: 0.15, atThreshold: 0.05 } as const;

function byRatio(worse: number, t: RatioThresholds): Severity | undefined {
  if (worse >= t.crit) return "critical";
  if (worse >= t.warn) return "warning";
  return t.info !== undefined && worse >= t.info ? "info" : undefined;
}

/** A rise of a bounded resource's used share: critical past its critical threshold, a warning past its warning one or by a lot. */
function shareSeverity(before: number, after: number, warn: number, crit: number): Severity | undefined {
  const rise = after - before;
  if (rise <= 0) return undefined;
  const grew = after / Math.max(before, 1e-9);
  if (after >= crit && rise >= SHARE_RISE.atThreshold) return "critical";
  if (rise >= SHARE_RISE.warn && grew >= 1.3) return "warning";
  if (after >= warn && rise >= SHARE_RISE.atThreshold) return "warning";
  return rise >= SHARE_RISE.info && grew >= 1.2 ? "info" : undefined;
}

/**
 * How serious a change from `baseline` to `level` is for this metric, or undefined when it is
 * too small to matter in practice (statistical significance is checked by the caller).
 * Thresholds are per signal (CHANGE_THRESHOLDS): +30 % latency matters, +30 % disk bytes rarely does.
 */
export function changeSeverity(p: PreparedSeries, baseline: number, level: number): Severity | undefined {
  const ratio = baseline > 0 ? level / baseline : level > 0 ? Number.POSITIVE_INFINITY : 1;
  const util = utilisationOf(p);
  if (util) return shareSeverity(util.used(baseline), util.used(level), util.warn, util.crit);
  // How many times worse: for metrics where low is bad (apdex, idle, free), the ratio turns around.
  const worse =
    p.profile?.higherIsWorse === false ? (level > 0 ? baseline / level : Number.POSITIVE_INFINITY) : ratio;
  switch (p.kind) {
    case "latency":
      return byRatio(worse, CHANGE_THRESHOLDS.latency);
    case "errors": {
      // Counts: the +1 keeps a quiet counter (0 → 2 errors) from reading as a 200 % jump.
      const countRatio = p.isCount ? (level + 1) / (baseline + 1) : ratio;
      if (p.isCount && level - baseline < minExtraErrors(p)) return undefined;
      return byRatio(countRatio, CHANGE_THRESHOLDS.errors);
    }
    case "requests":
    case "network": {
      // Packets dropped, retransmitted or in error are failures: judged like errors, at most a warning.
      if (p.kind === "network" && !movesBytes(p)) {
        if (level - baseline < minExtraErrors(p)) return undefined;
        return ratio >= CHANGE_THRESHOLDS.errors.warn ? "warning" : undefined;
      }
      // Traffic matters both ways: a fall by the same factor as a surge.
      const factor = ratio >= 1 ? ratio : 1 / Math.max(ratio, 1e-9);
      const t = CHANGE_THRESHOLDS.traffic;
      if (ratio < 1) return factor >= 2.5 ? "critical" : factor >= 1 / 0.7 ? "warning" : undefined;
      return factor >= t.crit ? "critical" : factor >= t.warn ? "warning" : undefined;
    }
    case "restarts":
      if (level - baseline >= RESTARTS.crit) return "critical";
      return level - baseline >= RESTARTS.warn ? "warning" : undefined;
    case "memory":
    case "disk": {
      const t = CHANGE_THRESHOLDS.memoryOrDisk;
      // What is left (free space, space left) running out is as bad as what is held growing.
      if (worse >= t.crit) return "critical";
      return worse >= t.warn || worse <= 1 / t.warn ? "warning" : undefined;
    }
    case "cpu":
    case "saturation":
    case "gc":
      // Occurrences per interval: 0 → 1 is no saturation, whatever the ratio.
      if (p.isCount && Math.abs(level - baseline) < MIN_EXTRA_ERRORS) return undefined;
      return byRatio(p.isCount ? (level + 1) / (baseline + 1) : worse, CHANGE_THRESHOLDS.load);
    default:
      return worse <= 0.5 ? "info" : byRatio(worse, CHANGE_THRESHOLDS.other);
  }
}
