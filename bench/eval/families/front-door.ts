import type { DrawRandom } from "./draw-random.js";
import type { DrawnWindow } from "./draw-window.js";
import type { HttpStack } from "./roles/http-stacks.js";
import { seriesOf, type IncidentDraft, type SeriesInput } from "./series-draft.js";

type Seasonality = SeriesInput["seasonality"];

/** A front door's normal life: requests per second, the share that fails, the typical latency (seconds). */
export interface FrontDoorLevels {
  readonly rps: number;
  readonly errorShare: number;
  readonly latencyS: number;
}

/** Levels a service of some size and speed might have. */
export function drawLevels(r: DrawRandom): FrontDoorLevels {
  return {
    rps: r.logRange(2, 2000),
    errorShare: r.logRange(0.0003, 0.008),
    latencyS: r.logRange(0.02, 0.8),
  };
}

/** A daily cycle for windows that can show one, peaking at any hour (the time of day is part of the draw). */
export function drawSeasonality(r: DrawRandom, w: DrawnWindow): Seasonality | undefined {
  if (w.ms < 6 * 3_600_000 && r.chance(0.5)) return undefined;
  return { amplitude: Number(r.range(0.1, 0.45).toFixed(2)), peak_hour: Number(r.range(0, 24).toFixed(1)) };
}

export interface FrontDoorIncidents {
  readonly requests?: readonly IncidentDraft[];
  readonly errors?: readonly IncidentDraft[];
  readonly latency?: readonly IncidentDraft[];
}

/** The stack's request, error and latency series at these levels, with incidents in canonical quantities. */
export function frontDoorSeries(
  r: DrawRandom,
  stack: HttpStack,
  w: DrawnWindow,
  levels: FrontDoorLevels,
  incidents: FrontDoorIncidents = {},
  /** The daily cycle; drawn when not given, none when null. */
  seasonality: Seasonality | null | undefined = drawSeasonality(r, w),
): SeriesInput[] {
  const cycle = seasonality ? { seasonality } : {};
  return [
    seriesOf(stack.requests, w.intervalS, {
      level: levels.rps,
      noise: r.range(0.03, 0.1),
      ...cycle,
      incidents: incidents.requests ?? [],
    }),
    seriesOf(stack.errors, w.intervalS, {
      level: levels.rps * levels.errorShare,
      noise: r.range(0.1, 0.3),
      ...cycle,
      incidents: incidents.errors ?? [],
    }),
    seriesOf(stack.latency, w.intervalS, {
      level: levels.latencyS,
      noise: r.range(0.04, 0.12),
      incidents: incidents.latency ?? [],
    }),
  ];
}

/** A regex for a latency stated at the right scale: "640 ms" or "0.64 s" for 0.64 seconds, "3.2 s" for 3.2. */
export function latencyMention(seconds: number): string {
  if (seconds >= 1) return "/\\b\\d+(\\.\\d+)?\\s?(s|sec|secs|seconds)\\b/";
  if (seconds >= 0.1) return "/\\b([1-9]\\d\\d(\\.\\d+)?\\s?ms|0\\.[1-9]\\d*\\s?(s|sec|seconds))\\b/";
  return "/\\b\\d{1,2}(\\.\\d+)?\\s?ms\\b/";
}
