/**
 * Units that naming conventions promise when no metadata gives one: Prometheus and
 * OpenMetrics base-unit suffixes (`_seconds`, `_bytes`, `_ratio`), OpenTelemetry's semantic
 * conventions (`*.duration` in seconds since v1.21, milliseconds before; `*.utilization` 0–1),
 * and common abbreviations (`_ms`, `_pct`). Datadog's own per-series unit wins over all of them.
 */
const CONVENTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  // OpenTelemetry before v1.21 measured these durations in milliseconds.
  [/^(http\.(server|client)\.duration|rpc\.(server|client)\.duration)$/, "millisecond"],
  [/[._](duration|latency)[._](ms|milliseconds)$|[._](ms|millis|milliseconds)$/, "millisecond"],
  [/[._](us|micros|microseconds)$/, "microsecond"],
  [/[._](ns|nanos|nanoseconds)$/, "nanosecond"],
  [
    /[._]seconds([._](total|sum|count|bucket|max|avg))?$|[._]duration$|[._]duration[._](p\d\d|max|avg)$/,
    "second",
  ],
  [/[._]bytes([._](total|sum|max|avg))?$/, "byte"],
  [/[._](utilization|utilisation|ratio)$/, "fraction"],
  // Memory held, committed or limited is counted in bytes (OpenTelemetry's jvm.memory.used, process.memory.usage).
  [
    /(^|[._])(mem|memory|heap)[._](used|usage|committed|limit|max|init|rss|resident|working_set)$|[._](rss|resident_memory)$/,
    "byte",
  ],
  [/[._](pct|percent|percentage)$/, "percent"],
];

/** The unit a metric's name promises by convention, or undefined. */
export function conventionUnitOf(metric: string): string | undefined {
  const name = metric.toLowerCase();
  return CONVENTIONS.find(([re]) => re.test(name))?.[1];
}
