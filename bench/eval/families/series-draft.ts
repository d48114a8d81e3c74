import type { ScenarioInput } from "@orch/core";
import type { MetricRole } from "./metric-role.js";

export type SeriesInput = ScenarioInput["series"][number];
type IncidentInput = NonNullable<SeriesInput["incidents"]>[number];

/** An incident in the story's canonical quantities (`to`, `delta`, `value`); `factor` is unit-free. */
export type IncidentDraft = Omit<IncidentInput, "to" | "delta" | "value"> & {
  readonly to?: number;
  readonly delta?: number;
  readonly value?: number;
};

/** A series as a story tells it: canonical quantities (seconds, bytes, shares, events per second). */
export interface SeriesDraft {
  readonly level: number;
  readonly noise?: number;
  readonly seasonality?: SeriesInput["seasonality"];
  readonly trend_per_day?: number;
  readonly group?: readonly string[];
  readonly incidents?: readonly IncidentDraft[];
  /** A bound of the story (a configured limit), canonical; the unit's own bound (100 %) applies anyway. */
  readonly max?: number;
}

/** Four significant digits: enough for any reading, short in the files. */
function tidy(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(4));
}

/** A canonical quantity in the role's unit and reading (per point for counts). */
export function inUnit(role: MetricRole, intervalS: number, canonical: number): number {
  const value = canonical * role.scale * (role.reading === "count" ? intervalS : 1);
  return role.integer && role.reading !== "cumulative" && Math.abs(value) >= 30
    ? Math.round(value)
    : tidy(value);
}

/**
 * The scenario series of a role: the draft's quantities converted to the metric's unit (per
 * point for counts, per second for rates and running totals), with the unit, type and bounds
 * its metadata gives.
 */
export function seriesOf(role: MetricRole, intervalS: number, draft: SeriesDraft): SeriesInput {
  const convert = (v: number | undefined) => (v === undefined ? undefined : inUnit(role, intervalS, v));
  const incidents = (draft.incidents ?? []).map((i): IncidentInput => {
    const { to, delta, value, ...rest } = i;
    return {
      ...rest,
      ...(to !== undefined ? { to: convert(to) } : {}),
      ...(delta !== undefined ? { delta: convert(delta) } : {}),
      ...(value !== undefined ? { value: convert(value) } : {}),
    };
  });
  const max = draft.max !== undefined ? convert(draft.max) : role.max;
  return {
    metric: role.metric,
    baseline: inUnit(role, intervalS, draft.level),
    noise: Number((draft.noise ?? 0.05).toPrecision(2)),
    ...(draft.seasonality ? { seasonality: draft.seasonality } : {}),
    ...(draft.trend_per_day ? { trend_per_day: draft.trend_per_day } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(role.integer ? { integer: true } : {}),
    ...(role.reading === "cumulative" ? { cumulative: true } : {}),
    ...(draft.group && draft.group.length > 0 ? { group: [...draft.group] } : {}),
    ...(incidents.length > 0 ? { incidents } : {}),
    ...(role.unit !== undefined ? { unit: role.unit } : {}),
    ...(role.per_unit !== undefined ? { per_unit: role.per_unit } : {}),
    ...(role.metric_type !== undefined ? { metric_type: role.metric_type } : {}),
    ...(role.percentile !== undefined ? { percentile: role.percentile } : {}),
  };
}
