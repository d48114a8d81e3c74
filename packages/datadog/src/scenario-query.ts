import {
  SHIFT_MS,
  autoInterval,
  isRateSeries,
  generateSeries,
  seriesForQuery,
  type MetricQuery,
  type Scenario,
  type ScenarioSeries,
  type SourceUnit,
} from "@orch/core";

/** A series a scenario answers for a metric query, before it becomes a Series. */
export interface ScenarioQueryResult {
  readonly group: readonly string[];
  readonly points: Array<[number, number | null]>;
  readonly interval_s: number;
  /** The unit the scenario gives the metric, as Datadog would report it with the series. */
  readonly unit?: SourceUnit;
}

/** A scenario series' unit as Datadog names it, when the scenario gives one. */
export function scenarioUnit(
  series: Pick<ScenarioSeries, "unit" | "per_unit"> | undefined,
): SourceUnit | undefined {
  if (!series?.unit) return undefined;
  return series.per_unit ? { name: series.unit, per: series.per_unit } : { name: series.unit };
}

function combine(aggregator: MetricQuery["aggregator"], values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null);
  if (present.length === 0) return null;
  if (aggregator === "sum") return present.reduce((a, b) => a + b, 0);
  if (aggregator === "max") return Math.max(...present);
  if (aggregator === "min") return Math.min(...present);
  return present.reduce((a, b) => a + b, 0) / present.length;
}

/**
 * What Datadog would answer for `query` if the scenario were the service's data: the matching
 * series grouped by the `by` keys, each group combined with the query's aggregator, on one
 * grid aligned to the interval. The fake Datadog server implements the same rule.
 */
export function scenarioQuery(
  scenario: Scenario,
  query: MetricQuery,
  anchor: number,
  from: number,
  to: number,
): ScenarioQueryResult[] {
  const interval = scenario.interval_s ?? autoInterval(to - from);
  // A shifted read (day_before, week_before) reads the earlier window and shows it at today's times.
  const shift = query.shift ? SHIFT_MS[query.shift] : 0;
  const groups = new Map<string, { group: string[]; members: ScenarioSeries[] }>();
  for (const series of seriesForQuery(scenario.series, query.metric, query.aggregator)) {
    const group = query.by.flatMap((key) => series.group.filter((g) => g.startsWith(`${key}:`)));
    const id = group.join(",");
    const entry = groups.get(id) ?? { group, members: [] };
    entry.members.push(series);
    groups.set(id, entry);
  }
  return [...groups.values()].map(({ group, members }) => {
    const each = members.map((s) => generateSeries(scenario, s, anchor, from - shift, to - shift, interval));
    const points = (each[0] ?? []).map(([t], i): [number, number | null] => [
      t + shift,
      combine(
        query.aggregator,
        each.map((p) => p[i]?.[1] ?? null),
      ),
    ]);
    let unit = scenarioUnit(members[0]);
    if (query.as_count && members[0] && isRateSeries(members[0])) {
      for (const p of points) if (p[1] !== null) p[1] *= interval;
      unit = unit ? { name: unit.name } : undefined;
    }
    return { group, points, interval_s: interval, ...(unit ? { unit } : {}) };
  });
}
