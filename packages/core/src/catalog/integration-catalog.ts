import { INTEGRATION_METRICS_TSV } from "./integration-metrics.generated.js";

/** Datadog's metric types. */
export type IntegrationMetricType = "gauge" | "count" | "rate" | "distribution";

/**
 * What the published metadata of a Datadog integration says of one of its metrics
 * (DataDog/integrations-core `metadata.csv`; see NOTICE.md).
 */
export interface IntegrationMetric {
  readonly metric: string;
  /** The integration's folder name in integrations-core ("redisdb", "postgres", "kafka_consumer"). */
  readonly integration: string;
  readonly type: IntegrationMetricType;
  /** The flush interval of a count or rate, seconds, when the metadata gives one. */
  readonly interval_s?: number;
  /** A unit of Datadog's unit list ("byte", "millisecond", "request", "fraction"). */
  readonly unit?: string;
  /** What the unit is per ("second" for a rate such as request/second). */
  readonly per_unit?: string;
  /** 1: higher is better; -1: lower is better (a rise is bad); 0: neither. */
  readonly orientation: -1 | 0 | 1;
  readonly description: string;
}

const TYPES = new Set<string>(["gauge", "count", "rate", "distribution"]);

let byName: ReadonlyMap<string, IntegrationMetric> | undefined;

function parse(): ReadonlyMap<string, IntegrationMetric> {
  const map = new Map<string, IntegrationMetric>();
  for (const line of INTEGRATION_METRICS_TSV.split("\n")) {
    const [
      metric = "",
      integration = "",
      type = "",
      interval = "",
      unit = "",
      perUnit = "",
      orientation = "0",
      description = "",
    ] = line.split("\t");
    if (!metric) continue;
    const seconds = Number(interval);
    const o = Number(orientation);
    map.set(metric, {
      metric,
      integration,
      type: (TYPES.has(type) ? type : "gauge") as IntegrationMetricType,
      ...(interval && Number.isFinite(seconds) && seconds > 0 ? { interval_s: seconds } : {}),
      ...(unit ? { unit } : {}),
      ...(perUnit ? { per_unit: perUnit } : {}),
      orientation: o > 0 ? 1 : o < 0 ? -1 : 0,
      description,
    });
  }
  return map;
}

/** Every metric of the catalog, by name; parsed on first use. */
export function integrationMetrics(): ReadonlyMap<string, IntegrationMetric> {
  byName ??= parse();
  return byName;
}

/** The published metadata of a metric of a Datadog integration, or undefined for other metrics. */
export function integrationMetric(metric: string): IntegrationMetric | undefined {
  return integrationMetrics().get(metric);
}

let technologies: ReadonlySet<string> | undefined;

/**
 * The names of the technologies the catalog's integrations monitor, spelt with underscores: the
 * integrations themselves ("php_fpm", "kube_apiserver_metrics") and the first word of their
 * metrics ("php_fpm", "kube_apiserver", "zookeeper"). "site is crawling, php-fpm?" names what
 * the service runs on, not another service.
 */
export function technologyNames(): ReadonlySet<string> {
  if (!technologies) {
    const names = new Set<string>();
    for (const [metric, m] of integrationMetrics()) {
      names.add(m.integration.toLowerCase());
      const first = metric.split(".")[0];
      if (first) names.add(first.toLowerCase());
    }
    technologies = names;
  }
  return technologies;
}
