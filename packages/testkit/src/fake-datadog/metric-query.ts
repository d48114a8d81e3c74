import { PERCENTILE_AGGREGATORS } from "@orch/core";

export type QueryAggregator = "avg" | "sum" | "min" | "max" | (typeof PERCENTILE_AGGREGATORS)[number];

/**
 * A Datadog metric query as the fake understands it: `[agg:]metric{tags} [by {keys}][.fn()…]`,
 * optionally inside a timeshift (`day_before(…)`, `hour_before(…)`, `week_before(…)`,
 * `month_before(…)`, `timeshift(…, -3600)`).
 */
export interface ParsedMetricQuery {
  /** The query's aggregator; absent when it names none (Datadog then averages and answers `aggr: null`). */
  readonly aggregator?: QueryAggregator;
  readonly metric: string;
  /** The `{...}` filter, one entry per comma-separated term. */
  readonly tags: readonly string[];
  readonly by: readonly string[];
  readonly asCount: boolean;
  /** Seconds the query looks back (a timeshift): the window's points carry values from this long before. */
  readonly shiftS: number;
  /** The timeshift function wrapping the query, e.g. "day_before"; absent when not shifted. */
  readonly shift?: string;
}

const AGGREGATORS = ["avg", "sum", "min", "max", ...PERCENTILE_AGGREGATORS].join("|");
const QUERY = new RegExp(
  `^\\s*(?:(${AGGREGATORS}):)?([A-Za-z][A-Za-z0-9_.]*)\\s*\\{([^{}]*)\\}\\s*(?:by\\s*\\{([^{}]*)\\})?\\s*((?:\\.[a-z_]+\\([^()]*\\))*)\\s*$`,
);

/** Datadog's named timeshifts and how far back each looks, in seconds. */
const NAMED_SHIFTS: Readonly<Record<string, number>> = {
  hour_before: 3600,
  day_before: 86_400,
  week_before: 604_800,
  month_before: 2_419_200,
};
const NAMED_SHIFT = /^\s*(hour_before|day_before|week_before|month_before)\((.*)\)\s*$/s;
const TIMESHIFT = /^\s*timeshift\((.*),\s*(-?\d+)\s*\)\s*$/s;

const split = (text: string | undefined): string[] =>
  (text ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t.length > 0);

/** The timeshift around a query, if any: the inner query, how far back, and the function's name. */
function unwrapShift(text: string): { inner: string; shiftS: number; shift?: string } {
  const named = NAMED_SHIFT.exec(text);
  if (named)
    return { inner: named[2] ?? "", shiftS: NAMED_SHIFTS[named[1] ?? ""] ?? 0, shift: named[1] ?? "" };
  const shifted = TIMESHIFT.exec(text);
  // timeshift(q, -3600) looks an hour back; a positive offset would look into the future.
  if (shifted) return { inner: shifted[1] ?? "", shiftS: -Number(shifted[2]), shift: "timeshift" };
  return { inner: text, shiftS: 0 };
}

/** Parses one metric query; undefined when it is not of the supported form. */
export function parseMetricQuery(text: string): ParsedMetricQuery | undefined {
  const { inner, shiftS, shift } = unwrapShift(text);
  const match = QUERY.exec(inner);
  if (!match || !Number.isFinite(shiftS)) return undefined;
  const functions = match[5] ?? "";
  return {
    ...(match[1] ? { aggregator: match[1] as QueryAggregator } : {}),
    metric: match[2] ?? "",
    tags: split(match[3]),
    by: split(match[4]),
    asCount: functions.includes(".as_count()"),
    shiftS,
    ...(shift ? { shift } : {}),
  };
}

/** The value of the first `key:value` term for `key`, e.g. the service of a filter. */
export function tagValue(tags: readonly string[], key: string): string | undefined {
  const tag = tags.find((t) => t.startsWith(`${key}:`));
  return tag?.slice(key.length + 1);
}

/**
 * The queries of a comma-separated v1 query (`a{x,y},day_before(b{x})`): split at the commas
 * outside braces and parentheses, as Datadog reads several queries in one request.
 */
export function splitQueries(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{" || c === "(") depth += 1;
    else if (c === "}" || c === ")") depth -= 1;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}
