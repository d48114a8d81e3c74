import type { LevelView } from "./level-view.js";
import { rollingMedian } from "./robust.js";

/** Mean of values[from, to); 0 for an empty range. */
export function meanOf(values: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i] ?? 0;
  return to > from ? sum / (to - from) : 0;
}

/** How a level change came about: abruptly, or over some time, and where it began. */
export interface Transition {
  readonly sharp: boolean;
  /** The level change across the boundary measured on the few points either side. */
  readonly jump: number;
  readonly riseMs: number;
  readonly onset: number;
}

/**
 * How a change from level `base` by `size` (sign given) came about at `boundary`: abrupt when
 * the few points either side of it already differ by most of the change; otherwise the time
 * the smoothed series took from 20 % to 80 % of it (first reaching 80 % after `floor`, where
 * the previous excursion ended, then back to where it was last under 20 %). A rolling median keeps an abrupt edge sharp but evens out noise on a drift.
 */
export function transitionAt(
  view: LevelView,
  boundary: number,
  floor: number,
  end: number,
  sign: number,
  base: number,
  size: number,
): Transition {
  const { level, times, segments } = view;
  const afterLen = end - boundary;
  const k = Math.max(1, Math.min(10, Math.ceil(afterLen / 2)));
  const jump =
    sign *
    (meanOf(level, boundary, boundary + k) - meanOf(level, Math.max(0, boundary - Math.max(3, k)), boundary));
  // The level change found at this boundary must carry most of the excursion, not one stair of a drift.
  const next = segments.find((s) => s.start === boundary);
  const prev = segments.find((s) => s.end === boundary);
  const stair = next && prev ? sign * (next.mean - prev.mean) : size;
  const width = Math.max(1, Math.min(31, Math.round(Math.min(afterLen / 2, (end - floor) / 10)))) | 1;
  const smooth = rollingMedian(level.subarray(floor, end), width);
  const rise = (from: number, by: number, first = 0): { i20: number; i80: number } => {
    const at = (j: number): number => sign * ((smooth[j] ?? 0) - from);
    let i80 = -1;
    for (let j = first; j < smooth.length; j++) {
      if (at(j) >= 0.8 * by) {
        i80 = j;
        break;
      }
    }
    if (i80 < 0) i80 = boundary - floor;
    let i20 = first;
    for (let j = i80 - 1; j >= first; j--) {
      if (at(j) < 0.2 * by) {
        i20 = j + 1;
        break;
      }
    }
    return { i20, i80 };
  };
  const { i20, i80 } = rise(base, size);
  const riseMs = (times[floor + i80] ?? 0) - (times[floor + i20] ?? 0);
  // For a straight ramp, the line through its 20 % and 80 % points meets the old level at its start.
  const begin = (times[floor + i20] ?? 0) - riseMs / 3;
  let onset = floor + i20;
  while (onset > floor && (times[onset - 1] ?? 0) >= begin) onset--;
  // The local jump must also clear the noise of two k-point means.
  const clearsNoise = jump >= 3 * view.noise * Math.sqrt(2 / k);
  // A change that lasts to the window's end must also cross its own stair quickly on the smoothed
  // series: a stair that noise cut out of a two-hour climb is no step, however abrupt its boundary
  // looks. (Spikes and flapping are left to the local jump: smoothing would flatten them.)
  const own = prev ? rise(prev.mean, Math.min(stair, size), Math.max(0, prev.start - floor)) : { i20, i80 };
  const ownRiseMs = (times[floor + own.i80] ?? 0) - (times[floor + own.i20] ?? 0);
  const quick = end < level.length || ownRiseMs <= Math.max(3, width) * view.intervalMs;
  return {
    sharp: stair >= 0.5 * size && jump >= 0.6 * stair && clearsNoise && quick,
    jump,
    riseMs,
    onset: Math.min(onset, boundary),
  };
}
