/** Where a finding must start to hit an expected one, and a window bound to be near one: within max(20 min, 10 % of the window). */
export function startTolerance(windowMs: number): number {
  return Math.max(20 * 60_000, 0.1 * windowMs);
}
