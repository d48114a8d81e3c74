import type { Excursion } from "./excursions.js";

/**
 * Whether a lasting change only brings the series back to where the window began: the window
 * opened at one level, moved away from it (an excursion read from the start), and `ex` returns
 * to within half its own size of that opening level. In a window too short to fit the daily cycle,
 * traffic that opened at its evening level, sank through the night and climbs back in the morning
 * looks like a step up from the night's level; against where the window began it is no news.
 */
export function returnsToStart(found: readonly Excursion[], ex: Excursion): boolean {
  const opening = found.find((e) => e.fromStart && e.sign === -ex.sign);
  if (!opening) return false;
  return Math.abs(ex.after - opening.before) < 0.5 * Math.abs(ex.after - ex.before);
}
