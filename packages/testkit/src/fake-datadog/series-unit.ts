/**
 * Datadog's unit objects, as /api/v1/query sends them per series: `unit` is
 * `[unit, per_unit]` — `[{family, name, plural, scale_factor, short_name, id}, null]` for
 * "percent", a second object for "per second" — or `null` when the metric has no unit.
 * Families and scale factors follow Datadog's unit list (../shared/datadog-metrics/units.md);
 * the `id`s are the fake's own numbering, except percent's 17, which a recording shows.
 */
export interface WireUnit {
  readonly family: string;
  readonly scale_factor: number;
  readonly name: string;
  readonly short_name: string;
  readonly plural: string;
  readonly id: number;
}

type UnitRow = readonly [name: string, family: string, scale: number, short: string];

const UNITS: readonly UnitRow[] = [
  ["bit", "bytes", 0.125, "b"],
  ["byte", "bytes", 1, "B"],
  ["kibibyte", "bytes", 1024, "KiB"],
  ["mebibyte", "bytes", 1024 ** 2, "MiB"],
  ["gibibyte", "bytes", 1024 ** 3, "GiB"],
  ["tebibyte", "bytes", 1024 ** 4, "TiB"],
  ["nanosecond", "time", 1e-9, "ns"],
  ["microsecond", "time", 1e-6, "μs"],
  ["millisecond", "time", 0.001, "ms"],
  ["second", "time", 1, "s"],
  ["minute", "time", 60, "min"],
  ["hour", "time", 3600, "hr"],
  ["day", "time", 86_400, "d"],
  ["week", "time", 604_800, "wk"],
  ["percent", "percentage", 1, "%"],
  ["fraction", "percentage", 100, "fraction"],
  ["apdex", "percentage", 1, "apdex"],
  ["nanocore", "cpu", 1e-9, "ncores"],
  ["millicore", "cpu", 0.001, "mcores"],
  ["core", "cpu", 1, "cores"],
  ["hertz", "frequency", 1, "Hz"],
  ["connection", "network", 1, "conn"],
  ["request", "network", 1, "req"],
  ["packet", "network", 1, "pkt"],
  ["message", "network", 1, "msg"],
  ["process", "system", 1, "proc"],
  ["thread", "system", 1, "thread"],
  ["host", "system", 1, "host"],
  ["query", "db", 1, "query"],
  ["row", "db", 1, "row"],
  ["key", "db", 1, "key"],
  ["transaction", "db", 1, "txn"],
  ["hit", "cache", 1, "hit"],
  ["miss", "cache", 1, "miss"],
  ["eviction", "cache", 1, "eviction"],
  ["error", "general", 1, "err"],
  ["operation", "general", 1, "op"],
  ["item", "general", 1, "item"],
  ["task", "general", 1, "task"],
  ["worker", "general", 1, "worker"],
  ["event", "general", 1, "event"],
  ["exception", "general", 1, "exception"],
  ["entry", "logging", 1, "entry"],
  ["span", "apm", 1, "span"],
];

const UNCOUNTED = new Set(["percent", "percent_nano", "apdex", "garbage collection"]);

function plural(name: string): string {
  if (UNCOUNTED.has(name)) return name;
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(name)) return `${name}es`;
  return `${name}s`;
}

/** One unit as Datadog describes it; a unit outside the table is a "general" unit of scale 1. */
export function wireUnit(name: string): WireUnit {
  const index = UNITS.findIndex(([n]) => n === name);
  const [, family, scale, short] = UNITS[index] ?? [name, "general", 1, name];
  const id =
    name === "percent"
      ? 17
      : index >= 0
        ? 100 + index
        : 1000 + ([...name].reduce((n, c) => n + c.charCodeAt(0), 0) % 1000);
  return { family, scale_factor: scale, name, short_name: short, plural: plural(name), id };
}

/** The `unit` of one series on the wire: `[unit, per_unit or null]`, or null without a unit. */
export function seriesUnitArray(
  unit: string | undefined,
  perUnit: string | undefined,
): [WireUnit, WireUnit | null] | null {
  if (unit === undefined) return null;
  return [wireUnit(unit), perUnit !== undefined ? wireUnit(perUnit) : null];
}
