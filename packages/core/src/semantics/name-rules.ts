import type { Aggregator, SignalKind } from "../signal-kind.js";

/**
 * Hand-written rules for metrics that no integration metadata describes: APM `trace.*`
 * (Datadog's tracer metrics), the Agent's system, container and Kubernetes checks, language
 * runtimes, cloud integrations and a few proxies. Most specific first. Units are Datadog's unit
 * names ("second", "byte", "percent", "fraction", "request/second"; "" for a plain number).
 */
export interface NameRule {
  readonly pattern: RegExp;
  readonly kind: SignalKind;
  readonly unit: string;
  readonly aggregator: Aggregator;
  readonly preference: number;
  readonly asCount: boolean;
  /** Which move is bad: "up" (latency, errors), "down" (free memory, idle CPU), "both" (traffic). */
  readonly bad: "up" | "down" | "both";
}

const rule = (
  pattern: RegExp,
  kind: SignalKind,
  unit: string,
  aggregator: Aggregator,
  preference: number,
  extra: { asCount?: boolean; bad?: NameRule["bad"] } = {},
): NameRule => ({
  pattern,
  kind,
  unit,
  aggregator,
  preference,
  asCount: extra.asCount ?? false,
  bad: extra.bad ?? (kind === "requests" ? "both" : "up"),
});

/** APM operations of calls the service makes (databases, caches, outbound HTTP, AWS SDK), not requests it serves. */
const DOWNSTREAM =
  "(jdbc|postgres|postgresql|pg|mysql2?|sql|sqlite|redis|mongodb|mongo|memcached|elasticsearch|opensearch|cassandra|dynamodb|aws|grpc\\.client|okhttp|requests|httplib|urllib3|httpclient)";

export const NAME_RULES: readonly NameRule[] = [
  // APM traces of downstream calls: the same kinds, but the service's own requests are read first.
  rule(
    new RegExp(`^trace\\.${DOWNSTREAM}\\.[a-z0-9_.]*errors(\\.by_http_status)?$`),
    "errors",
    "error",
    "sum",
    5,
    {
      asCount: true,
    },
  ),
  rule(
    new RegExp(`^trace\\.${DOWNSTREAM}\\.[a-z0-9_.]*hits(\\.by_http_status)?$`),
    "requests",
    "hit",
    "sum",
    5,
    {
      asCount: true,
    },
  ),
  rule(new RegExp(`^trace\\.${DOWNSTREAM}\\.[a-z0-9_.]*duration[a-z0-9_.]*$`), "latency", "second", "avg", 5),
  // APM traces: trace.<operation>.request.{errors,hits,duration,...} for any integration.
  rule(/^trace\.[a-z0-9_.]+\.(errors|request\.errors)(\.by_http_status)?$/, "errors", "error", "sum", 10, {
    asCount: true,
  }),
  rule(/^trace\.[a-z0-9_.]+\.(hits|request\.hits)(\.by_http_status)?$/, "requests", "hit", "sum", 10, {
    asCount: true,
  }),
  rule(
    /^trace\.[a-z0-9_.]+\.duration\.by\.(service|resource_service)\.(95p|99p)$/,
    "latency",
    "second",
    "avg",
    11,
  ),
  rule(
    /^trace\.[a-z0-9_.]+\.(request\.)?duration(\.by\.[a-z_.]+\.(50p|75p|90p|max|avg))?$/,
    "latency",
    "second",
    "avg",
    9,
  ),
  rule(/^trace\.[a-z0-9_.]+\.request$/, "latency", "second", "avg", 8),
  rule(/^trace\.[a-z0-9_.]+\.apdex$/, "latency", "", "avg", 3, { bad: "down" }),
  // trace.<operation> itself is the operation's duration (trace.grpc.server, trace.rack.request).
  rule(/^trace\.[a-z0-9_]+\.[a-z0-9_]+$/, "latency", "second", "avg", 8),
  // Load balancers and serverless.
  rule(
    /^aws\.(applicationelb|elb)\.httpcode_(target|elb|backend)_5xx(_count)?$/,
    "errors",
    "response",
    "sum",
    8,
    {
      asCount: true,
    },
  ),
  rule(/^aws\.(applicationelb|elb)\.request_count$/, "requests", "request", "sum", 7, { asCount: true }),
  rule(
    /^aws\.(applicationelb\.target_response_time\.(average|p95|p99)|elb\.latency)$/,
    "latency",
    "second",
    "avg",
    7,
  ),
  rule(/^aws\.lambda\.invocations$/, "requests", "invocation", "sum", 6, { asCount: true }),
  rule(/^aws\.lambda\.errors$/, "errors", "error", "sum", 7, { asCount: true }),
  rule(/^aws\.lambda\.duration(\.(p95|p99|maximum))?$/, "latency", "millisecond", "avg", 6),
  rule(/^aws\.lambda\.throttles$/, "saturation", "throttle", "sum", 4, { asCount: true }),
  // CPU. Container and Kubernetes usage is in nanocores, not a share.
  rule(/^(container\.cpu\.usage|kubernetes\.cpu\.usage\.total)$/, "cpu", "nanocore", "avg", 7),
  rule(/^system\.cpu\.idle$/, "cpu", "percent", "avg", 4, { bad: "down" }),
  rule(/^system\.cpu\.(user|system|iowait|stolen)$/, "cpu", "percent", "avg", 8),
  rule(/^system\.load\.(norm\.)?(1|5|15)$/, "cpu", "", "avg", 3),
  rule(
    /^(container|kubernetes|docker|ecs\.fargate|process)\.cpu\.(usage(\.total)?|user|pct|percent)$/,
    "cpu",
    "percent",
    "avg",
    7,
  ),
  rule(/^(container|kubernetes|docker)\.cpu\.throttled(\.periods)?$/, "saturation", "", "sum", 4, {
    asCount: true,
  }),
  rule(/^jvm\.cpu_load\.(process|system)$/, "cpu", "fraction", "avg", 6),
  rule(/^runtime\.node\.cpu\.(total|user|system)$/, "cpu", "percent", "avg", 6),
  rule(/^aws\.(rds|ec2|ecs)\.cpuutilization(\.maximum)?$/, "cpu", "percent", "avg", 7),
  // Memory.
  rule(/^system\.mem\.pct_usable$/, "memory", "fraction", "avg", 9, { bad: "down" }),
  rule(/^system\.mem\.(usable|free)$/, "memory", "byte", "avg", 4, { bad: "down" }),
  rule(/^system\.mem\.(used|pct_used)$/, "memory", "byte", "avg", 7),
  rule(
    /^(container|kubernetes|docker|ecs\.fargate)\.mem(ory)?\.(usage|rss|working_set|in_use)$/,
    "memory",
    "byte",
    "avg",
    8,
  ),
  rule(/^kubernetes\.memory\.usage_pct$/, "memory", "fraction", "avg", 9),
  rule(/^(container|kubernetes|docker)\.mem(ory)?\.(usage_pct|pct|percent)$/, "memory", "percent", "avg", 9),
  rule(/^jvm\.heap_memory$/, "memory", "byte", "avg", 8),
  rule(
    /^runtime\.node\.(mem|heap)\.(heap_used|rss|used_heap_size|total_heap_size)$/,
    "memory",
    "byte",
    "avg",
    7,
  ),
  rule(/^runtime\.(go|python|ruby)\.[a-z0-9_.]*(heap|mem|rss)[a-z0-9_.]*$/, "memory", "byte", "avg", 6),
  rule(/^aws\.rds\.freeable_memory$/, "memory", "byte", "avg", 6, { bad: "down" }),
  // Disk, network.
  rule(/^system\.disk\.in_use$/, "disk", "fraction", "max", 8),
  rule(/^system\.disk\.(used|utilized)$/, "disk", "byte", "max", 5),
  rule(/^system\.(disk\.free|fs\.inodes\.free)$/, "disk", "byte", "min", 3, { bad: "down" }),
  rule(/^system\.io\.(util|await)$/, "disk", "percent", "avg", 4),
  rule(/^kubernetes\.filesystem\.usage_pct$/, "disk", "fraction", "max", 7),
  rule(
    /^(system|container|kubernetes|docker)\.net(work)?\.(bytes_rcvd|bytes_sent|rx_bytes|tx_bytes|in|out)$/,
    "network",
    "byte/second",
    "sum",
    5,
    { bad: "both" },
  ),
  rule(
    /^(system|container|kubernetes)\.net(work)?\.[a-z_.]*(errors|drops|retrans|dropped)[a-z_.]*$/,
    "network",
    "packet",
    "sum",
    6,
    { asCount: true },
  ),
  // Saturation the Agent reports under its own names.
  rule(/^postgresql\.percent_usage_connections$/, "saturation", "fraction", "max", 6),
  rule(/^aws\.sqs\.approximate_number_of_messages_visible$/, "saturation", "message", "max", 6),
  rule(/^aws\.sqs\.approximate_age_of_oldest_message$/, "saturation", "second", "max", 5),
  rule(/^jvm\.thread_count$/, "saturation", "thread", "max", 5),
  rule(/^runtime\.node\.event_loop\.delay\.(max|avg|95percentile)$/, "saturation", "nanosecond", "max", 5),
  // AWS SQS: what consumers take off the queue, and what waits in it.
  rule(/^aws\.sqs\.number_of_messages_(deleted|received)$/, "requests", "message", "sum", 6, {
    asCount: true,
  }),
  rule(/^aws\.sqs\.number_of_messages_sent$/, "requests", "message", "sum", 5, { asCount: true }),
  rule(/^aws\.sqs\.approximate_number_of_messages_not_visible$/, "saturation", "message", "max", 4),
  // Containers not running: waiting (crash loop back-off, image pulls) or terminated.
  rule(
    /^kubernetes_state\.container\.(waiting|status_report\.count\.waiting|terminated)$/,
    "restarts",
    "container",
    "max",
    6,
  ),
  // GC, restarts.
  rule(
    /^(jvm\.gc\.[a-z0-9_.]*(time|pause)[a-z0-9_.]*|runtime\.node\.gc\.pause(\.[a-z0-9]+)?)$/,
    "gc",
    "millisecond",
    "avg",
    5,
  ),
  rule(/^runtime\.go\.gc[a-z0-9_.]*$/, "gc", "", "avg", 4),
  rule(/^(kubernetes|kubernetes_state)\.containers?\.restarts?$/, "restarts", "", "max", 7),
];

/** The rule that describes a metric name, if any. */
export function nameRuleOf(metric: string): NameRule | undefined {
  const name = metric.toLowerCase();
  return NAME_RULES.find((r) => r.pattern.test(name));
}
