import type { Segment } from "./change-points.js";

/** Detection-scale view of one series, with the smooth parts (cycle, trend) already removed. */
export interface LevelView {
  readonly times: Float64Array;
  /** Deseasonalised, detrended values on the detection scale. */
  readonly level: Float64Array;
  readonly segments: readonly Segment[];
  readonly noise: number;
  readonly intervalMs: number;
  readonly windowMs: number;
  /** Slowest onset, detection-scale units per hour, that still counts as a ramp rather than drift. */
  readonly speedMin: number;
  /** Levels closer than this on the detection scale are the same state. */
  readonly sameLevel: number;
}
