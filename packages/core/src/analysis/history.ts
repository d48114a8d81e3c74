import type { Series } from "../evidence.js";
import type { MetricProfile } from "../metric-catalog.js";
import type { TimeWindow } from "../time-window.js";
import { PRIORITY, type Detection } from "./detection.js";
import { changePct } from "./describe.js";
import { formatTime, formatValue } from "./format-value.js";
import { categoryOf, changeSeverity, isBadDirection } from "./impact.js";
import { prepareSeries } from "./prepared-series.js";
import { median } from "./robust.js";

/**
 * Judging the window against its own history: the same window a day and a week earlier, read
 * with Datadog's timeshift functions and shown at today's times. A shape that history shows too
 * (Saturday's dip, the nightly batch) is the service's rhythm, not an incident; a level far from
 * history all window long is trouble that began before the window.
 */

export type Shift = "day" | "week";

/** The history read for one series: the same group, a day and/or a week earlier. */
export interface SeriesHistory {
  readonly day?: Series;
  readonly week?: Series;
}

/** How close history's move must come to today's to be "the same shape": a share of today's move on the log scale. */
const SAME_SHAPE_SHARE = 0.6;
/** And how close the levels during the episode must be (log ratio): within about ±40 %. */
const SAME_LEVEL_LOG = Math.log(1.4);
/** Points of a series that must sit on one side of history for "all window long". */
const CONSISTENT_SHARE = 0.8;

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function valuesIn(series: Series, from: number, to: number): Float64Array {
  const out: number[] = [];
  for (const [t, v] of series.points)
    if (v !== null && Number.isFinite(v) && t >= from && t <= to) out.push(v);
  return Float64Array.from(out);
}

function medianIn(series: Series, from: number, to: number): number | undefined {
  const v = valuesIn(series, from, to);
  return v.length > 0 ? median(v) : undefined;
}

const logRatio = (a: number, b: number, eps: number): number =>
  Math.log((Math.max(0, a) + eps) / (Math.max(0, b) + eps));

/** Share of today's points within the episode that sit within ±40 % of history's at the same time. */
function tracksHistory(today: Series, past: Series, from: number, to: number): boolean {
  const pastAt = new Map(past.points.map(([t, v]) => [t, v]));
  let near = 0;
  let compared = 0;
  for (const [t, v] of today.points) {
    const p = pastAt.get(t);
    if (t < from || t > to || v === null || p === null || p === undefined) continue;
    if (!Number.isFinite(v) || !Number.isFinite(p)) continue;
    compared++;
    const eps = Math.max(1e-9, 0.02 * Math.max(Math.abs(v), Math.abs(p)));
    if (Math.abs(logRatio(v, p, eps)) <= SAME_LEVEL_LOG) near++;
  }
  return compared >= 8 && near >= CONSISTENT_SHARE * compared;
}

/** Whether history shows the same move at the same time as the detection: a regular pattern. */
function sameShape(d: Detection, today: Series, past: Series, window: TimeWindow): boolean {
  const beforeFrom = window.start;
  const beforeTo = Math.max(window.start, d.start - 1);
  const todayIn = medianIn(today, d.start, d.end);
  const pastIn = medianIn(past, d.start, d.end);
  // What "outside the episode" is: before it, or after it when it began with the window.
  const beforeFirst = d.start - window.start > 0.1 * (window.end - window.start);
  const outside = (s: Series) =>
    beforeFirst
      ? (medianIn(s, beforeFrom, beforeTo) ?? medianIn(s, d.end + 1, window.end))
      : (medianIn(s, d.end + 1, window.end) ?? medianIn(s, beforeFrom, beforeTo));
  const todayOut = outside(today);
  const pastOut = outside(past);
  if (todayIn === undefined || pastIn === undefined) return false;
  // An episode that fills the window has no outside to measure a move against: history shows the
  // same shape when today follows it point by point.
  if (todayOut === undefined || pastOut === undefined) return tracksHistory(today, past, d.start, d.end);
  const eps = Math.max(1e-9, 0.02 * Math.max(Math.abs(todayOut), Math.abs(pastOut)));
  const moveToday = logRatio(todayIn, todayOut, eps);
  const movePast = logRatio(pastIn, pastOut, eps);
  if (Math.sign(moveToday) !== Math.sign(movePast)) return false;
  return (
    Math.abs(movePast) >= SAME_SHAPE_SHARE * Math.abs(moveToday) &&
    Math.abs(logRatio(todayIn, pastIn, eps)) <= SAME_LEVEL_LOG
  );
}

/** "last Saturday" for a week, "yesterday" for a day: the day of the moment given, a week or a day back. */
function when(shift: Shift, at: number): string {
  return shift === "week" ? `last ${WEEKDAYS[new Date(at).getUTCDay()] ?? "week"}` : "yesterday";
}

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** The series moved by `by` ms: its value at t is the series' value at t − by. */
function shifted(series: Series, by: number): Series {
  return { ...series, points: series.points.map(([t, v]) => [t + by, v] as [number, number | null]) };
}

/**
 * Something filling up (a leak, a disk on its trend line, a projected exhaustion): that it also
 * climbed a week earlier makes it no less full, so history never makes it a rhythm.
 */
function fillsUp(d: Detection): boolean {
  return (
    d.category === "capacity" ||
    d.anomaly === "leak" ||
    d.anomaly === "trend" ||
    d.evidence.fitted === "trend" ||
    d.evidence.projected_full_h !== undefined ||
    d.evidence.projected_exhaustion_h !== undefined
  );
}

/**
 * A window of two weeks or more holds its own history: each week is judged against the other.
 * A detection that the week before it shows at the same time, or the week after it (for one in
 * the window's first week), is the service's weekly rhythm. Detections that no other week of the
 * window shows are returned unchanged.
 */
export function judgeAgainstOwnWeeks(
  detections: readonly Detection[],
  series: Series,
  window: TimeWindow,
): Detection[] {
  if (window.end - window.start < 2 * WEEK_MS) return [...detections];
  const weekBefore = shifted(series, WEEK_MS);
  const weekAfter = shifted(series, -WEEK_MS);
  return detections.map((d) => {
    if (
      d.key !== labelOf(series) ||
      d.anomaly === "nodata" ||
      d.anomaly === "flatline" ||
      d.anomaly === "zero" ||
      fillsUp(d) ||
      // A weekly rhythm's episodes are a weekend long at most; one that lasts most of a week is no rhythm.
      d.end - d.start > 3 * DAY_MS
    )
      return d;
    const day = WEEKDAYS[new Date(d.start).getUTCDay()] ?? "day";
    // The other week must hold at least half the episode.
    const half = (d.end - d.start) / 2;
    const seen =
      d.end - half - WEEK_MS >= window.start && sameShape(d, series, weekBefore, window)
        ? `the ${day} before`
        : d.start + half + WEEK_MS <= window.end && sameShape(d, series, weekAfter, window)
          ? `the ${day} after`
          : undefined;
    if (!seen) return d;
    return {
      ...d,
      severity: "info",
      evidence: { ...d.evidence, history: `same as ${seen}`, rhythm: "weekly", rhythm_at: d.start },
      summary: `${d.summary}; the same happened ${seen} at this time, within the window: a regular weekly pattern, not an incident`,
    };
  });
}

/**
 * Detections of one series judged against its history: one that history shows at the same time
 * becomes context ("same as last Saturday"); one that history does not show keeps its severity and
 * gains history's level for comparison.
 */
export function judgeAgainstHistory(
  detections: readonly Detection[],
  series: Series,
  history: SeriesHistory,
  window: TimeWindow,
): Detection[] {
  return detections.map((d) => {
    if (
      d.key !== labelOf(series) ||
      d.anomaly === "nodata" ||
      d.anomaly === "flatline" ||
      d.anomaly === "zero" ||
      fillsUp(d)
    )
      return d;
    for (const shift of ["week", "day"] as const) {
      const past = history[shift];
      if (!past) continue;
      if (sameShape(d, series, past, window)) {
        const rhythm = shift === "week" ? "weekly" : "daily";
        return {
          ...d,
          severity: "info",
          evidence: { ...d.evidence, history: `same as ${when(shift, d.start)}`, rhythm, rhythm_at: d.start },
          summary: `${d.summary}; the same happened ${when(shift, d.start)} at this time: a regular ${rhythm} pattern, not an incident`,
        };
      }
    }
    const past = history.week ?? history.day;
    const shift: Shift = history.week ? "week" : "day";
    const level = past ? medianIn(past, d.start, d.end) : undefined;
    if (!past || level === undefined) return d;
    return {
      ...d,
      evidence: { ...d.evidence, [`${shift}_before_level`]: Math.round(level * 1e4) / 1e4 },
      summary: `${d.summary} (${when(shift, d.start)} at this time: ${formatValue(level, typeof d.evidence.unit === "string" ? d.evidence.unit : undefined)})`,
    };
  });
}

/**
 * A level far from history for the whole window, with no change inside it to detect: trouble
 * that began before the window ("latency has been 2.1× last Tuesday's all window"). The answer
 * says so, and a wider window would show when it began.
 */
export function degradedAgainstHistory(
  series: Series,
  history: SeriesHistory,
  window: TimeWindow,
  profile: MetricProfile | undefined,
  detections: readonly Detection[],
): Detection | undefined {
  const shift: Shift | undefined = history.week ? "week" : history.day ? "day" : undefined;
  const past = shift ? history[shift] : undefined;
  if (!shift || !past || detections.some((d) => d.key === labelOf(series) && d.severity !== "info"))
    return undefined;
  const today = medianIn(series, window.start, window.end);
  const before = medianIn(past, window.start, window.end);
  if (today === undefined || before === undefined) return undefined;
  const p = prepareSeries(series, profile);
  if (p.values.length < 8 || !isBadDirection(p, today > before ? 1 : -1)) return undefined;
  const severity = changeSeverity(p, before, today);
  if (severity === undefined || severity === "info") return undefined;
  // Consistent: most points sit on the same side of history's level, not one spike.
  const side = today > before ? 1 : -1;
  const pastByTime = new Map(past.points.map(([t, v]) => [t, v]));
  let same = 0;
  let compared = 0;
  for (const [t, v] of series.points) {
    const b = pastByTime.get(t);
    if (v === null || b === null || b === undefined) continue;
    compared++;
    if (Math.sign(v - b) === side) same++;
  }
  if (compared < 8 || same / compared < CONSISTENT_SHARE) return undefined;
  const unit = p.unit;
  const pct = changePct(before, today);
  const label = labelOf(series);
  return {
    key: label,
    metric: series.metric,
    ...(p.kind !== undefined ? { kind: p.kind } : {}),
    category: categoryOf(p),
    severity,
    anomaly: "history",
    start: window.start,
    end: window.end,
    evidence: {
      anomaly: "history",
      baseline: Math.round(before * 1e4) / 1e4,
      level: Math.round(today * 1e4) / 1e4,
      ...(Number.isFinite(pct) ? { change_pct: Math.round(pct * 10) / 10 } : {}),
      history: `${shift} before`,
      ...(unit !== undefined ? { unit } : {}),
    },
    summary: `${label} has been at ${formatValue(today, unit)} all window, against ${formatValue(before, unit)} ${when(shift, window.start)} at the same hours: it was already ${side > 0 ? "higher" : "lower"} when the window began (${formatTime(window.start, window.end - window.start)}); a wider window would show when it changed`,
    magnitude: Math.abs(Math.log((Math.abs(today) + 1e-9) / (Math.abs(before) + 1e-9))),
    priority: PRIORITY.step,
    state: "ongoing",
  };
}

/** "metric{group}" — the key detections of a series carry. */
export function labelOf(series: Pick<Series, "metric" | "group">): string {
  return series.group.length > 0 ? `${series.metric}{${series.group.join(",")}}` : series.metric;
}
