import {
  autoInterval,
  isRateSeries,
  generateSeries,
  seriesForQuery,
  type Scenario,
  type ScenarioSeries,
} from "@orch/core";
import { tagValue, type ParsedMetricQuery } from "./metric-query.js";

/** One series as the fake returns it, before the wire format. */
export interface FakeSeries {
  readonly group: readonly string[];
  readonly points: Array<[number, number | null]>;
  readonly interval_s: number;
  /** The unit and per-unit the scenario gives the metric, as Datadog reports them with the series. */
  readonly unit?: string;
  readonly per_unit?: string;
}

function combine(
  aggregator: ParsedMetricQuery["aggregator"],
  values: ReadonlyArray<number | null>,
): number | null {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return null;
  switch (aggregator) {
    case "sum":
      return present.reduce((a, b) => a + b, 0);
    case "max":
      return Math.max(...present);
    case "min":
      return Math.min(...present);
    default:
      return present.reduce((a, b) => a + b, 0) / present.length;
  }
}

/** Whether a series passes the filter: service/env name the scenario, other tags its group. */
function matchesFilter(scenario: Scenario, series: ScenarioSeries, tags: readonly string[]): boolean {
  const env = tagValue(tags, "env");
  if (env !== undefined && scenario.env !== undefined && env !== scenario.env) return false;
  const groupKeys = new Set(series.group.map((g) => g.split(":")[0]));
  return tags
    .filter((t) => !t.startsWith("service:") && !t.startsWith("env:"))
    .every((t) => !groupKeys.has(t.split(":")[0]) || series.group.includes(t));
}

/**
 * The series a scenario answers for a query: matching scenario series (by metric, and by
 * percentile for `p99:` queries, see seriesForQuery), grouped by the `by` keys and combined
 * with the query's aggregator, on one grid aligned to the interval. A timeshifted query
 * (`day_before(…)`) answers the window's timestamps with the values from that long before:
 * scenario data is a pure function of time, so the past is as easy to read as the present.
 */
export function scenarioSeriesForQuery(
  scenario: Scenario,
  query: ParsedMetricQuery,
  anchor: number,
  from: number,
  to: number,
): FakeSeries[] {
  const interval = scenario.interval_s ?? autoInterval(to - from);
  const shiftMs = query.shiftS * 1000;
  const matching = seriesForQuery(scenario.series, query.metric, query.aggregator ?? "avg").filter((s) =>
    matchesFilter(scenario, s, query.tags),
  );
  const groups = new Map<string, { group: string[]; members: ScenarioSeries[] }>();
  for (const series of matching) {
    const group = query.by.flatMap((key) => series.group.filter((g) => g.startsWith(`${key}:`)));
    const id = group.join(",");
    const entry = groups.get(id) ?? { group, members: [] };
    entry.members.push(series);
    groups.set(id, entry);
  }
  return [...groups.values()].map(({ group, members }) => {
    const each = members.map((s) =>
      generateSeries(scenario, s, anchor, from - shiftMs, to - shiftMs, interval),
    );
    const first = each[0] ?? [];
    const points = first.map(([t], i): [number, number | null] => [
      t + shiftMs,
      combine(
        query.aggregator,
        each.map((p) => p[i]?.[1] ?? null),
      ),
    ]);
    const { unit, per_unit: perUnit } = members[0] ?? {};
    const asCount = query.asCount && members[0] !== undefined && isRateSeries(members[0]);
    if (asCount) for (const p of points) if (p[1] !== null) p[1] *= interval;
    const per_unit = asCount ? undefined : perUnit;
    return {
      group,
      points,
      interval_s: interval,
      ...(unit !== undefined ? { unit } : {}),
      ...(per_unit !== undefined ? { per_unit } : {}),
    };
  });
}
