/** A Datadog metric query as the fake understands it: `avg:metric{tags} by {keys}.as_count()`. */
export interface ParsedMetricQuery {
  readonly aggregator: "avg" | "sum" | "min" | "max";
  readonly metric: string;
  /** The `{...}` filter, one entry per comma-separated term. */
  readonly tags: readonly string[];
  readonly by: readonly string[];
  readonly asCount: boolean;
}

const QUERY =
  /^\s*(avg|sum|min|max):([A-Za-z][A-Za-z0-9_.]*)\s*\{([^{}]*)\}\s*(?:by\s*\{([^{}]*)\})?\s*((?:\.[a-z_]+\([^()]*\))*)\s*$/;

const split = (text: string | undefined): string[] =>
  (text ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t.length > 0);

/** Parses one metric query; undefined when it is not of the supported form. */
export function parseMetricQuery(text: string): ParsedMetricQuery | undefined {
  const match = QUERY.exec(text);
  if (!match) return undefined;
  const functions = match[5] ?? "";
  return {
    aggregator: match[1] as ParsedMetricQuery["aggregator"],
    metric: match[2] ?? "",
    tags: split(match[3]),
    by: split(match[4]),
    asCount: functions.includes(".as_count()"),
  };
}

/** The value of the first `key:value` term for `key`, e.g. the service of a filter. */
export function tagValue(tags: readonly string[], key: string): string | undefined {
  const tag = tags.find((t) => t.startsWith(`${key}:`));
  return tag?.slice(key.length + 1);
}
