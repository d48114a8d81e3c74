import type { Detection } from "./detection.js";
import { maxSeverity, severityRank } from "./detection.js";
import { formatTime } from "./format-value.js";

/** A step that moves the series this share of as far as a ramp over it did is the change itself. */
const STEP_CARRIES = 0.8;

function better(a: Detection, b: Detection): Detection {
  if (a.priority !== b.priority) return a.priority > b.priority ? a : b;
  // A ramp through a step is mostly the step seen through the drift before it: the step tells it.
  const [step, ramp] = a.anomaly === "step" ? [a, b] : [b, a];
  if (step.anomaly === "step" && ramp.anomaly === "ramp" && step.magnitude >= STEP_CARRIES * ramp.magnitude)
    return step;
  if (a.severity !== b.severity) return severityRank(a.severity) > severityRank(b.severity) ? a : b;
  return a.magnitude >= b.magnitude ? a : b;
}

/** Which way a detection moved its series: up (1), down (-1), or 0 when it says no level (a flat line, a gap). */
function direction(d: Detection): number {
  const { baseline, level } = d.evidence;
  if (typeof baseline !== "number" || typeof level !== "number" || baseline === level) return 0;
  return level > baseline ? 1 : -1;
}

/** Whether `d`, moving `way`, ends beyond where `c` (moving the other way) began. */
function beyond(d: Detection, c: Detection, way: number): boolean {
  const level = d.evidence.level;
  const start = c.evidence.baseline;
  return typeof level === "number" && typeof start === "number" && way * (level - start) > 0;
}

const UP = new Set(["spike", "burst"]);
/** Episodes that rise or fall and come back within the window. */
const CLOSED = new Set(["spike", "burst", "dip", "drop"]);
/**
 * Whether a closed episode went more than twice as far out as a lasting shift settled (its peak
 * above twice the shift's level, or a dip's under half of it): a burst or an outage of its own,
 * not the first part of the shift.
 */
function farApart(closed: Detection, lasting: Detection): boolean {
  const { peak, baseline, level } = closed.evidence;
  const settled = lasting.evidence.level;
  if (typeof peak !== "number" || typeof baseline !== "number" || typeof level !== "number") return false;
  if (typeof settled !== "number" || settled <= 0) return false;
  return level > baseline ? peak > 2 * settled : peak < settled / 2;
}

/** Shifts that last to the end of the window. */
const LASTING = new Set(["step", "ramp"]);
const DOWN = new Set(["dip", "drop"]);
/** Bursts closer than this, relative to their length, are one flapping episode. */
const FLAP_GAP_FACTOR = 2;
const FLAP_GAP_MAX_MS = 30 * 60_000;

/** Folds repeated short bursts of one series in the same direction (an oscillation, flapping) into one episode. */
function foldFlapping(list: Detection[]): Detection[] {
  const out: Detection[] = [];
  for (const d of [...list].sort((a, b) => a.start - b.start)) {
    const prev = out[out.length - 1];
    const same =
      prev &&
      ((UP.has(prev.anomaly) && UP.has(d.anomaly)) || (DOWN.has(prev.anomaly) && DOWN.has(d.anomaly)));
    const gap = prev ? d.start - prev.end : Number.POSITIVE_INFINITY;
    const longest = prev ? Math.max(prev.end - prev.start, d.end - d.start) : 0;
    if (prev && same && gap <= Math.min(FLAP_GAP_MAX_MS, FLAP_GAP_FACTOR * Math.max(longest, 60_000))) {
      const base = d.magnitude > prev.magnitude ? d : prev;
      const episodes = (Number(prev.evidence.episodes) || 1) + 1;
      out[out.length - 1] = {
        ...base,
        severity: maxSeverity(prev.severity, d.severity),
        start: prev.start,
        end: Math.max(prev.end, d.end),
        evidence: { ...base.evidence, episodes },
        summary: `${base.summary.replace(/ \(\d+ bursts\)$/, "")} (${episodes} bursts)`,
      };
      continue;
    }
    out.push(d);
  }
  return out;
}

/**
 * One finding per anomaly per series: detections of the same series whose windows overlap
 * (within `slackMs`) are one episode. The most specific detection describes it, the episode
 * spans all of them, takes the highest severity and keeps every number. Supporting detections
 * (slow drifts) only lend their start; alone they are dropped. Repeated short bursts in the
 * same direction are folded into one flapping episode.
 */
export function mergeDetections(
  detections: readonly Detection[],
  slackMs: number,
  windowMs = 0,
): Detection[] {
  const byKey = new Map<string, Detection[]>();
  for (const d of detections) byKey.set(d.key, [...(byKey.get(d.key) ?? []), d]);
  const out: Detection[] = [];
  for (const list of byKey.values()) {
    const sorted = [...list].sort((a, b) => a.start - b.start || a.end - b.end);
    const groups: Detection[][] = [];
    let groupEnd = Number.NEGATIVE_INFINITY;
    for (const d of sorted) {
      const current = groups[groups.length - 1];
      // A rise and a later fall past where the rise began (a morning climb, then traffic dropping
      // below the night's level) are two episodes, however they overlap: each is judged, and
      // dated, on its own. A fall back part of the way is the same episode ending.
      const way = direction(d);
      const opposed =
        way !== 0 &&
        current !== undefined &&
        current.some((c) => !c.supporting && direction(c) === -way && beyond(d, c, way));
      // A short episode that ended far from where a lasting shift that began with it settled (a
      // burst at the foot of a daily climb, an outage where the window's first hours sit higher)
      // are two things: merged, the shift would keep the episode ongoing and hide it from the
      // history that shows the shift alone. One that ended about where the shift settled (a
      // counter's first climb) is the shift's start.
      const apart =
        current !== undefined &&
        current.some(
          (c) =>
            (CLOSED.has(c.anomaly) && LASTING.has(d.anomaly) && farApart(c, d)) ||
            (LASTING.has(c.anomaly) && CLOSED.has(d.anomaly) && farApart(d, c)),
        );
      if (current && !opposed && !apart && d.start <= groupEnd + slackMs) {
        current.push(d);
        groupEnd = Math.max(groupEnd, d.end);
      } else {
        groups.push([d]);
        groupEnd = d.end;
      }
    }
    const merged: Detection[] = [];
    for (const group of groups) {
      const real = group.filter((d) => !d.supporting);
      if (real.length === 0) continue;
      const base = real.reduce(better);
      let severity = base.severity;
      for (const d of real) severity = maxSeverity(severity, d.severity);
      let evidence: Record<string, number | string> = {};
      for (const d of [...group].sort((a, b) => a.priority - b.priority))
        evidence = { ...evidence, ...d.evidence };
      evidence = { ...evidence, ...base.evidence };
      // A threshold or trend only knows when a line was crossed; a drift that led there knows when it began.
      // A step that carries the change began where it jumped, not where a drift before it set out.
      const dated =
        base.anomaly === "threshold" || base.anomaly === "trend"
          ? group
          : base.anomaly === "step"
            ? real.filter((d) => d.anomaly !== "ramp")
            : real;
      const start = Math.min(...dated.map((d) => d.start));
      const others = real.filter((d) => d !== base).map((d) => d.summary);
      // The episode's start must be in its words too: say where the drift that led to the crossing began.
      const earliestTold = Math.min(...real.map((d) => d.start));
      if (start < earliestTold - slackMs)
        others.push(`the drift that led there began at ${formatTime(start, windowMs)}`);
      merged.push({
        ...base,
        severity,
        start,
        // Supporting detections only lend their start: a drift after a closed episode does not extend it.
        end: Math.max(...real.map((d) => d.end)),
        evidence,
        magnitude: Math.max(...real.map((d) => d.magnitude)),
        summary: others.length > 0 ? `${base.summary}; ${others.join("; ")}` : base.summary,
      });
    }
    out.push(...foldFlapping(merged));
  }
  return out;
}
