import { autoInterval, parseDuration } from "@orch/core";
import type { DrawRandom } from "./draw-random.js";

/** The window of a draw: its text, length, point interval and the start tolerance findings get. */
export interface DrawnWindow {
  readonly window: string;
  readonly ms: number;
  readonly intervalS: number;
  /** How a question says it ("in the last 6 hours", "this week"). */
  readonly phrase: string;
}

/** Phrases that name the window exactly, so that a question without a timeframe still implies it. */
const PHRASES: Readonly<Record<string, readonly string[]>> = {
  "15m": ["in the last 15 minutes", "in the past 15 min"],
  "30m": ["in the last 30 minutes", "in the past half hour"],
  "1h": ["in the last hour", "over the past hour", "in the last 60 minutes"],
  "2h": ["in the last 2 hours", "over the past two hours"],
  "3h": ["in the last 3 hours", "over the past three hours"],
  "4h": ["in the last 4 hours", "over the past 4h"],
  "6h": ["in the last 6 hours", "over the past six hours"],
  "12h": ["in the last 12 hours", "over the past 12h"],
  "24h": ["in the last 24 hours", "over the last day", "in the past 24h"],
  "2d": ["in the last 2 days", "over the past 48 hours"],
  "3d": ["in the last 3 days", "over the past three days"],
  "7d": ["in the last 7 days", "this week", "over the past week"],
  "14d": ["in the last 14 days", "over the past two weeks"],
};

/** One of the given windows (15m … 14d), with a phrase for it. */
export function drawWindow(r: DrawRandom, choices: readonly string[]): DrawnWindow {
  const window = r.pick(choices);
  const ms = parseDuration(window);
  if (ms === undefined) throw new Error(`bad window ${window}`);
  return {
    window,
    ms,
    intervalS: autoInterval(ms),
    phrase: r.pick(PHRASES[window] ?? [`in the last ${window}`]),
  };
}

/** An offset before the window's end, in whole minutes: "-95m". */
export function offsetOf(ms: number): string {
  const minutes = Math.max(1, Math.round(Math.abs(ms) / 60_000));
  return `-${minutes}m`;
}

/** A moment at a share of the window before its end (0.5: the middle), in whole minutes. */
export function offsetAt(w: DrawnWindow, shareBeforeEnd: number): string {
  return offsetOf(w.ms * shareBeforeEnd);
}

/** "95 min ago", "3.5 h ago", "2.1 days ago": an offset for descriptions. */
export function ago(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 120) return `${Math.round(minutes)} min ago`;
  if (minutes < 48 * 60) return `${(minutes / 60).toFixed(1)} h ago`;
  return `${(minutes / 1440).toFixed(1)} days ago`;
}

/** A duration in whole minutes, as the scenario format writes durations: "324m". */
export function minutesOf(ms: number): string {
  return `${Math.max(1, Math.round(ms / 60_000))}m`;
}

/**
 * For a question that names its window in words: in some draws (`share`), the window is left to
 * the planner (`timeframe: null`), which must then read at least 90 % of the window named.
 * Returns the `expected.window` to check, or undefined to keep the timeframe.
 */
export function impliedWindow(
  r: DrawRandom,
  question: string,
  w: DrawnWindow,
  share = 0.5,
): { readonly min: string } | undefined {
  if (!question.includes(w.phrase) || !r.chance(share)) return undefined;
  return { min: minutesOf(0.9 * w.ms) };
}
