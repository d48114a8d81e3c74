import { analyzeEvidence } from "../analysis/analyze-evidence.js";
import { scatterAbout, theilSen } from "../analysis/robust.js";
import type { Evidence, Series } from "../evidence.js";
import { classifyMetric } from "../metric-catalog.js";
import type { Plan } from "../plan.js";
import { describeWindow, type TimeWindow } from "../time-window.js";

const HOUR_MS = 3_600_000;
/** The widths a window grows to, once: a day, then a week. */
const WIDER_MS = [24 * HOUR_MS, 7 * 24 * HOUR_MS] as const;
/** How far a steady climb must stand out of the readings' scatter about its line to count. */
const CLIMB_SCATTERS = 4;

/**
 * Memory or disk that climbed steadily all window long: too slow for a finding in a short window,
 * but where it began (and how fast it really goes) is out of view. Returns the metric's name.
 */
function climbingAllWindow(evidence: Evidence): string | undefined {
  for (const r of evidence.results) {
    if (r.tool !== "metrics" || r.status !== "ok") continue;
    for (const s of r.series) {
      const kind = s.kind ?? classifyMetric(s.metric, r.metadata)?.kind;
      if ((kind === "memory" || kind === "disk") && climbs(s)) return s.metric;
    }
  }
  return undefined;
}

function climbs(s: Series): boolean {
  const points = s.points.filter((p): p is [number, number] => p[1] !== null && Number.isFinite(p[1]));
  if (points.length < 12) return false;
  const t0 = points[0]?.[0] ?? 0;
  const xs = points.map(([t]) => (t - t0) / HOUR_MS);
  const ys = points.map(([, v]) => v);
  const { slope, intercept } = theilSen(xs, ys);
  if (!(slope > 0)) return false;
  const scatter = scatterAbout(xs, ys, { slope, intercept });
  return slope * (xs[xs.length - 1] ?? 0) >= CLIMB_SCATTERS * Math.max(scatter, 1e-12);
}

/** A finding that starts this close to the window's start (as a share of it) began before it, for all we know. */
const AT_START_SHARE = 0.05;

/**
 * Whether the evidence says a window the service chose is too short, and the window to read
 * instead: a leak or a filling disk already climbing when the window began, memory or disk
 * climbing steadily all window (too slowly for a finding, but its start is out of view, and so
 * is how fast it really goes), or a level that history says was already wrong all window long. A window the user or the question gave is never widened; a window is widened
 * once, to a day, or from a day to a week. Undefined when the window is fine as it is.
 */
export function widerWindow(plan: Plan, evidence: Evidence): TimeWindow | undefined {
  const window = evidence.window;
  if (window.explicit) return undefined;
  const ms = window.end - window.start;
  const to = WIDER_MS.find((w) => w > ms * 1.5);
  if (to === undefined) return undefined;
  const { findings } = analyzeEvidence({ evidence, plan });
  const early = (start: number) => start - window.start <= AT_START_SHARE * ms;
  const reason = findings
    .filter((f) => f.severity !== "info")
    .map((f) => {
      if ((f.category === "memory_leak" || f.category === "capacity") && early(f.window.start))
        return `\`${f.metric}\` was already climbing when the ${describeWindow(ms)} began`;
      if (f.evidence.anomaly === "history")
        return `\`${f.metric}\` was already off its usual level when the ${describeWindow(ms)} began`;
      return undefined;
    })
    .find((r) => r !== undefined);
  const climbing = reason ? undefined : climbingAllWindow(evidence);
  const why =
    reason ??
    (climbing
      ? `\`${climbing}\` climbed steadily all through the ${describeWindow(ms)}: the climb began before it`
      : undefined);
  if (!why) return undefined;
  return {
    start: window.end - to,
    end: window.end,
    label: `${describeWindow(to)} (widened from the ${window.label}: ${why})`,
    explicit: false,
  };
}
