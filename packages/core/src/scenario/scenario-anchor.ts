/** A fixed anchor (Monday 2025-03-03 14:00 UTC) so generated data is the same on every run. */
export const SCENARIO_ANCHOR = Date.UTC(2025, 2, 3, 14, 0, 0);
