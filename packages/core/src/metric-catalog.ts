/** The kinds of signal the analyst reasons about; a metric name maps to at most one. */
export type SignalKind =
  | "latency"
  | "errors"
  | "requests"
  | "cpu"
  | "memory"
  | "disk"
  | "network"
  | "saturation"
  | "gc"
  | "restarts";

export const SIGNAL_KINDS: readonly SignalKind[] = [
  "latency",
  "errors",
  "requests",
  "cpu",
  "memory",
  "disk",
  "network",
  "saturation",
  "gc",
  "restarts",
];

export type Aggregator = "avg" | "sum" | "max" | "min";

/** What we know about a metric from its name: kind, unit, how to aggregate, which way is bad. */
export interface MetricProfile {
  readonly kind: SignalKind;
  /** "percent" (0–100), "fraction" (0–1), "seconds", "milliseconds", "bytes", "count", "rate" or "number". */
  readonly unit: "percent" | "fraction" | "seconds" | "milliseconds" | "bytes" | "count" | "rate" | "number";
  readonly aggregator: Aggregator;
  /** Counts are summed per interval (Datadog's `.as_count()`). */
  readonly asCount: boolean;
  /** false for metrics where low is bad (free memory, idle CPU, usable %). */
  readonly higherIsWorse: boolean;
  /** Ranks alternatives of the same kind: the planner prefers the higher. */
  readonly preference: number;
}

interface CatalogEntry extends MetricProfile {
  readonly pattern: RegExp;
}

const entry = (
  pattern: RegExp,
  kind: SignalKind,
  unit: MetricProfile["unit"],
  aggregator: Aggregator,
  preference: number,
  extra: Partial<Pick<MetricProfile, "asCount" | "higherIsWorse">> = {},
): CatalogEntry => ({
  pattern,
  kind,
  unit,
  aggregator,
  preference,
  asCount: extra.asCount ?? false,
  higherIsWorse: extra.higherIsWorse ?? true,
});

/** APM operations of calls the service makes (databases, caches, outbound HTTP, AWS SDK), not requests it serves. */
const DOWNSTREAM =
  "(jdbc|postgres|postgresql|pg|mysql2?|sql|sqlite|redis|mongodb|mongo|memcached|elasticsearch|opensearch|cassandra|dynamodb|aws|grpc\\.client|okhttp|requests|httplib|urllib3|httpclient)";

/**
 * Standard Datadog metric names (APM, system, container, Kubernetes, JVM, Node, cloud load
 * balancers, databases), most specific first. Custom metrics fall back on name keywords.
 */
const CATALOG: readonly CatalogEntry[] = [
  // APM traces of downstream calls: the same kinds, but the service's own requests are read first.
  entry(
    new RegExp(`^trace\\.${DOWNSTREAM}\\.[a-z0-9_.]*errors(\\.by_http_status)?$`),
    "errors",
    "count",
    "sum",
    5,
    { asCount: true },
  ),
  entry(
    new RegExp(`^trace\\.${DOWNSTREAM}\\.[a-z0-9_.]*hits(\\.by_http_status)?$`),
    "requests",
    "count",
    "sum",
    5,
    { asCount: true },
  ),
  entry(
    new RegExp(`^trace\\.${DOWNSTREAM}\\.[a-z0-9_.]*duration[a-z0-9_.]*$`),
    "latency",
    "seconds",
    "avg",
    5,
  ),
  // APM traces: trace.<operation>.request.{errors,hits,duration,...} for any integration.
  entry(/^trace\.[a-z0-9_.]+\.(errors|request\.errors)(\.by_http_status)?$/, "errors", "count", "sum", 10, {
    asCount: true,
  }),
  entry(/^trace\.[a-z0-9_.]+\.(hits|request\.hits)(\.by_http_status)?$/, "requests", "count", "sum", 10, {
    asCount: true,
  }),
  entry(
    /^trace\.[a-z0-9_.]+\.duration\.by\.(service|resource_service)\.(95p|99p)$/,
    "latency",
    "seconds",
    "avg",
    11,
  ),
  entry(
    /^trace\.[a-z0-9_.]+\.(request\.)?duration(\.by\.[a-z_.]+\.(50p|75p|90p|max|avg))?$/,
    "latency",
    "seconds",
    "avg",
    9,
  ),
  entry(/^trace\.[a-z0-9_.]+\.request$/, "latency", "seconds", "avg", 8),
  entry(/^trace\.[a-z0-9_.]+\.apdex$/, "latency", "fraction", "avg", 3, { higherIsWorse: false }),
  // Load balancers and proxies.
  entry(
    /^aws\.(applicationelb|elb)\.httpcode_(target|elb|backend)_5xx(_count)?$/,
    "errors",
    "count",
    "sum",
    8,
    { asCount: true },
  ),
  entry(/^aws\.(applicationelb|elb)\.request_count$/, "requests", "count", "sum", 7, { asCount: true }),
  entry(
    /^aws\.(applicationelb\.target_response_time\.(average|p95|p99)|elb\.latency)$/,
    "latency",
    "seconds",
    "avg",
    7,
  ),
  entry(/^nginx\.net\.request_per_s$/, "requests", "rate", "sum", 6),
  // Service meshes and serverless: request counts and times under their own names.
  entry(
    /^envoy\.(cluster|http)\.(upstream|downstream)_rq_(total|completed)$/,
    "requests",
    "count",
    "sum",
    6,
    { asCount: true },
  ),
  entry(/^envoy\.(cluster|http)\.(upstream|downstream)_rq_time$/, "latency", "milliseconds", "avg", 6),
  entry(/^istio\.mesh\.request\.count(\.total)?$/, "requests", "count", "sum", 6, { asCount: true }),
  entry(/^aws\.lambda\.invocations$/, "requests", "count", "sum", 6, { asCount: true }),
  entry(/^aws\.lambda\.throttles$/, "saturation", "count", "sum", 4, { asCount: true }),
  entry(/^(nginx|haproxy|envoy|istio)\.[a-z0-9_.]*(5xx|errors?)[a-z0-9_.]*$/, "errors", "count", "sum", 6, {
    asCount: true,
  }),
  entry(/^(envoy|istio)\.[a-z0-9_.]*(duration|latency)[a-z0-9_.]*$/, "latency", "milliseconds", "avg", 5),
  // CPU. Container and Kubernetes usage is in nanocores, not a share.
  entry(/^(container\.cpu\.usage|kubernetes\.cpu\.usage\.total)$/, "cpu", "number", "avg", 7),
  entry(/^system\.cpu\.idle$/, "cpu", "percent", "avg", 4, { higherIsWorse: false }),
  entry(/^system\.cpu\.(user|system|iowait|stolen)$/, "cpu", "percent", "avg", 8),
  entry(/^system\.load\.(norm\.)?(1|5|15)$/, "cpu", "number", "avg", 3),
  entry(
    /^(container|kubernetes|docker|ecs\.fargate|process)\.cpu\.(usage(\.total)?|user|pct|percent)$/,
    "cpu",
    "percent",
    "avg",
    7,
  ),
  entry(/^(container|kubernetes|docker)\.cpu\.throttled(\.periods)?$/, "saturation", "count", "sum", 4, {
    asCount: true,
  }),
  entry(/^jvm\.cpu_load\.(process|system)$/, "cpu", "fraction", "avg", 6),
  entry(/^runtime\.node\.cpu\.(total|user|system)$/, "cpu", "percent", "avg", 6),
  entry(/^aws\.(rds|ec2|ecs)\.cpuutilization(\.maximum)?$/, "cpu", "percent", "avg", 7),
  // Memory.
  entry(/^system\.mem\.pct_usable$/, "memory", "fraction", "avg", 9, { higherIsWorse: false }),
  entry(/^system\.mem\.(usable|free)$/, "memory", "bytes", "avg", 4, { higherIsWorse: false }),
  entry(/^system\.mem\.(used|pct_used)$/, "memory", "bytes", "avg", 7),
  entry(
    /^(container|kubernetes|docker|ecs\.fargate)\.mem(ory)?\.(usage|rss|working_set|in_use)$/,
    "memory",
    "bytes",
    "avg",
    8,
  ),
  entry(/^kubernetes\.memory\.usage_pct$/, "memory", "fraction", "avg", 9),
  entry(/^(container|kubernetes|docker)\.mem(ory)?\.(usage_pct|pct|percent)$/, "memory", "percent", "avg", 9),
  entry(/^jvm\.heap_memory$/, "memory", "bytes", "avg", 8),
  entry(/^jvm\.heap_memory_max$/, "memory", "bytes", "avg", 1),
  entry(
    /^runtime\.node\.(mem|heap)\.(heap_used|rss|used_heap_size|total_heap_size)$/,
    "memory",
    "bytes",
    "avg",
    7,
  ),
  entry(/^runtime\.(go|python|ruby)\.[a-z0-9_.]*(heap|mem|rss)[a-z0-9_.]*$/, "memory", "bytes", "avg", 6),
  entry(/^aws\.rds\.freeable_memory$/, "memory", "bytes", "avg", 6, { higherIsWorse: false }),
  // Disk, network.
  entry(/^system\.disk\.in_use$/, "disk", "fraction", "max", 8),
  entry(/^system\.disk\.(used|utilized)$/, "disk", "bytes", "max", 5),
  entry(/^system\.(disk\.free|fs\.inodes\.free)$/, "disk", "bytes", "min", 3, { higherIsWorse: false }),
  entry(/^system\.io\.(util|await)$/, "disk", "percent", "avg", 4),
  entry(/^kubernetes\.filesystem\.usage_pct$/, "disk", "fraction", "max", 7),
  entry(/^system\.disk\.total$/, "disk", "bytes", "max", 0),
  entry(
    /^(system|container|kubernetes|docker)\.net(work)?\.(bytes_rcvd|bytes_sent|rx_bytes|tx_bytes|in|out)$/,
    "network",
    "bytes",
    "sum",
    5,
  ),
  entry(
    /^(system|container|kubernetes)\.net(work)?\.[a-z_.]*(errors|drops|retrans|dropped)[a-z_.]*$/,
    "network",
    "count",
    "sum",
    6,
    { asCount: true },
  ),
  // Saturation: pools, queues, connections. A pool's usage as a share of its limit first.
  entry(/^postgresql\.percent_usage_connections$/, "saturation", "fraction", "max", 6),
  entry(
    /^(postgresql|mysql|redis|mongodb|pgbouncer)\.[a-z0-9_.]*(connections|clients)[a-z0-9_.]*$/,
    "saturation",
    "number",
    "max",
    6,
  ),
  entry(
    /^(rabbitmq\.queue\.messages|aws\.sqs\.approximate_number_of_messages_visible|kafka\.consumer_lag|kafka\.consumer\.lag)$/,
    "saturation",
    "number",
    "max",
    6,
  ),
  entry(/^aws\.sqs\.approximate_age_of_oldest_message$/, "saturation", "seconds", "max", 5),
  entry(
    /^(jvm\.thread_count|runtime\.node\.event_loop\.delay\.(max|avg|95percentile))$/,
    "saturation",
    "number",
    "max",
    5,
  ),
  // GC, restarts.
  entry(
    /^(jvm\.gc\.[a-z0-9_.]*(time|pause)[a-z0-9_.]*|runtime\.node\.gc\.pause(\.[a-z0-9]+)?|runtime\.go\.gc[a-z0-9_.]*)$/,
    "gc",
    "milliseconds",
    "avg",
    5,
  ),
  entry(/^(kubernetes|kubernetes_state)\.containers?\.restarts?$/, "restarts", "count", "max", 7),
  entry(
    /^kubernetes_state\.container\.(restarts|status_report\.count\.waiting|terminated)$/,
    "restarts",
    "count",
    "max",
    6,
  ),
];

const KEYWORDS: ReadonlyArray<readonly [RegExp, SignalKind, MetricProfile["unit"], Aggregator, boolean]> = [
  [/(5xx|error|errors|exception|fail|failed|failure)/, "errors", "count", "sum", true],
  [/(latency|duration|response_time|p95|p99|_ms$|\.time$)/, "latency", "milliseconds", "avg", false],
  [/(hits|requests|request_count|throughput|rps|qps)/, "requests", "count", "sum", true],
  [/cpu/, "cpu", "percent", "avg", false],
  [/(mem|heap|rss)/, "memory", "bytes", "avg", false],
  [/(disk|inode|volume)/, "disk", "bytes", "max", false],
  [/(queue|backlog|lag|connections|pool|threads)/, "saturation", "number", "max", false],
  [/(restart|crash|oom)/, "restarts", "count", "max", false],
];

/** Classifies a Datadog metric name, or returns undefined when nothing about it is recognisable. */
export function classifyMetric(metric: string): MetricProfile | undefined {
  const name = metric.toLowerCase();
  const known = CATALOG.find((e) => e.pattern.test(name));
  if (known) {
    const { pattern: _pattern, ...profile } = known;
    return profile;
  }
  for (const [re, kind, unit, aggregator, asCount] of KEYWORDS) {
    if (re.test(name)) {
      const lowIsBad = /(free|usable|available|idle|apdex)/.test(name);
      return { kind, unit, aggregator, asCount, higherIsWorse: !lowIsBad, preference: 1 };
    }
  }
  return undefined;
}

/** Usage metrics and the limit metrics that bound them, as Datadog reports them side by side. */
const LIMIT_PAIRS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^jvm\.heap_memory$/, "jvm.heap_memory_max"],
  [/^system\.disk\.used$/, "system.disk.total"],
  [/^container\.memory\.(usage|rss|working_set)$/, "container.memory.limit"],
  [/^kubernetes\.memory\.(usage|rss|working_set)$/, "kubernetes.memory.limits"],
  [/^docker\.mem\.(rss|usage|in_use)$/, "docker.mem.limit"],
  [/^ecs\.fargate\.mem\.(usage|rss)$/, "ecs.fargate.mem.limit"],
];

/** The metric that bounds a usage metric (jvm.heap_memory → jvm.heap_memory_max), when there is a standard one. */
export function limitMetricOf(metric: string): string | undefined {
  const name = metric.toLowerCase();
  return LIMIT_PAIRS.find(([re]) => re.test(name))?.[1];
}

/** Whether a metric is a limit (a maximum, a total, a configured cap) rather than a usage. */
export function isLimitMetric(metric: string): boolean {
  const name = metric.toLowerCase();
  return (
    LIMIT_PAIRS.some(([, limit]) => limit === name) ||
    /(heap_memory_max|mem(ory)?\.limits?$|memory_limit|max_connections)/.test(name)
  );
}

/** Names that promise a share of a limit: a pool's usage, a utilisation, a ratio. */
const SHARE_NAME = /(pct|percent|usage|utili[sz]ation|ratio)/;

/**
 * The unit to read a series in: its catalogued unit, except that a saturation metric whose name
 * promises a share (`…usage_pct`, `…utilization`, `…ratio`) but is catalogued as a plain number
 * reads as a fraction when its values stay within 0–1, or as a percent within 0–100, so that a
 * pool at 0.92 shows as 92 % like CPU and disk do.
 */
export function shareUnitOf(
  metric: string,
  kind: SignalKind | undefined,
  unit: string | undefined,
  max: number,
): string | undefined {
  if (kind !== "saturation" || (unit !== undefined && unit !== "number")) return unit;
  if (!SHARE_NAME.test(metric.toLowerCase()) || !Number.isFinite(max) || max < 0) return unit;
  if (max <= 1) return "fraction";
  return max <= 100 ? "percent" : unit;
}
