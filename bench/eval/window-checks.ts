import { offsetMs, parseDuration, type Scenario } from "@orch/core";
import { check, type ExpectationCheck } from "./expectation-check.js";
import { startTolerance } from "./start-tolerance.js";

type ExpectedWindow = NonNullable<Scenario["expected"]["window"]>;

/** "26h", "3d 4h", "45m": a span for people. */
export function formatSpan(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const parts = [d ? `${d}d` : "", h ? `${h}h` : "", m && d === 0 ? `${m}m` : ""].filter(Boolean);
  return parts.length > 0 ? parts.join(" ") : "0m";
}

/** An offset from the anchor for people: "-26h", "end". */
function formatOffset(ms: number): string {
  return Math.abs(ms) < 60_000 ? "end" : `${ms < 0 ? "-" : "+"}${formatSpan(ms)}`;
}

/**
 * The window expectations, one check per bound: the job's window (`result.window`) at least
 * `min` and at most `max` long, starting near `start` and ending near `end`. "Near" is the start
 * tolerance, max(20 min, 10 %) of the expected window: `end` − `start` when both are given,
 * else the scenario's `window`. Without a job window, every check fails.
 */
export function windowChecks(
  scenario: Scenario,
  anchor: number,
  window: { readonly start: number; readonly end: number } | undefined,
): ExpectationCheck[] {
  const expected: ExpectedWindow | undefined = scenario.expected.window;
  if (!expected) return [];
  const missing = window === undefined ? "the job has no window" : undefined;
  const length = window ? window.end - window.start : 0;
  const got = window
    ? `the job read ${formatSpan(length)}, ${formatOffset(window.start - anchor)} → ${formatOffset(window.end - anchor)}`
    : "";
  const span =
    expected.start !== undefined && expected.end !== undefined
      ? offsetMs(expected.end) - offsetMs(expected.start)
      : (parseDuration(scenario.window) ?? 3_600_000);
  const tolerance = startTolerance(span);
  const checks: ExpectationCheck[] = [];
  if (expected.min !== undefined) {
    const min = parseDuration(expected.min) ?? 0;
    checks.push(check("window", `at least ${expected.min}`, missing ?? (length >= min ? undefined : got)));
  }
  if (expected.max !== undefined) {
    const max = parseDuration(expected.max) ?? Infinity;
    checks.push(check("window", `at most ${expected.max}`, missing ?? (length <= max ? undefined : got)));
  }
  for (const bound of ["start", "end"] as const) {
    const at = expected[bound];
    if (at === undefined) continue;
    const wanted = anchor + offsetMs(at);
    const near = window !== undefined && Math.abs(window[bound] - wanted) <= tolerance;
    checks.push(
      check("window", `${bound}s at ${at} (±${formatSpan(tolerance)})`, missing ?? (near ? undefined : got)),
    );
  }
  return checks;
}
