/**
 * Usage metrics and the limits that bound them, as services report them side by side:
 * `redis.mem.used` and `redis.mem.maxmemory`, `postgresql.connections` and
 * `postgresql.max_connections`, `memcache.bytes` and `memcache.limit_maxbytes`,
 * `jvm.heap_memory` and `jvm.heap_memory_max`. A usage is judged as a share of its limit.
 */

/** Name words that make a metric a limit: a configured maximum, a capacity, a total size. */
const LIMIT_TOKEN =
  /^(max|maximum|limit|limits|maxmemory|maxclients|maxbytes|limit_maxbytes|max_connections|maxconn|capacity|quota|allocatable|total|size|hard|soft)$/;
/** Compound limit words inside one token: "heap_memory_max", "max_connections", "mem_limit". */
const LIMIT_PART = /(^|_)(max|limit|limits|maximum|capacity|quota)(_|$)|^max[a-z]+$/;
/** Descriptions of a limit, as the integrations publish them. */
const LIMIT_DESCRIPTION =
  /\b(maximum (number|amount|size|allowed)|configured (maximum|limit|size)|\blimit\b|capacity|total (size|space) of|max allowed|allocatable)/i;
/** Descriptions that make "max" an observation, not a limit. */
const OBSERVED =
  /\b(observed|peak|highest|largest|longest|recorded|the max of|max(imum)? value of|maximum (time|latency|duration)|(have|has) been in use|since (the )?(server |process )?(start|started|startup))\b/i;
/** Names of well-known limits that no metadata describes. */
const KNOWN_LIMITS =
  /^(jvm\.heap_memory_max|system\.disk\.total|system\.fs\.inodes\.total|container\.memory\.limit|kubernetes\.memory\.limits|kubernetes\.cpu\.limits|docker\.mem\.limit|ecs\.fargate\.mem\.limit|system\.mem\.total)$/;

function tokensOf(metric: string): string[] {
  return metric.toLowerCase().split(/[.]/).filter(Boolean);
}

/** Last words that make a name with "limit" or "max" in it something else: what a limiter did. */
const OUTCOME =
  /^(passed|rejected|delayed|dry_run|rejected_dry_run|delayed_dry_run|failures|failed|surge|unavailable|ratio|request|default|default_request|min|available|prepared_stmt_count)$/;
/** What fills up, for which a "total" or "size" is the capacity. */
const FILLS = /(disk|fs|inode|mem|memory|heap|pool|volume|storage|filesystem)/;
/** Flows and counters, whose "total" is a running count, not a capacity. */
const FLOWS =
  /(_total$)|(bytes\.(in|out)|[._](in|out|rx|tx|read|write|reads|writes|io|merges|transport|comp|failures|size_in_bytes\.count))([._]|$)/;

/** Whether a metric is a limit (a maximum, a total, a configured cap) rather than a usage. */
export function isLimitMetric(metric: string, description?: string, unitFamily?: string): boolean {
  const name = metric.toLowerCase();
  if (KNOWN_LIMITS.test(name)) return true;
  if (unitFamily === "time" || /(_per_|rate|time|latency|duration|lag|percentile|p\d\d)/.test(name))
    return false;
  if (description && OBSERVED.test(description)) return false;
  const tokens = tokensOf(name);
  const last = tokens[tokens.length - 1] ?? "";
  if (OUTCOME.test(last)) return false;
  // The limit word must be among the last two parts: "session.limit", "max.connections", "heap_memory_max".
  const tail = tokens.slice(-2);
  const named = tail.some(
    (t) =>
      LIMIT_PART.test(t) || t.split("_").some((w) => LIMIT_TOKEN.test(w) && w !== "total" && w !== "size"),
  );
  const sized =
    tail.some((t) => /(^|_)(total|size|capacity)(_|$)/.test(t)) && FILLS.test(name) && !FLOWS.test(name);
  return (
    named ||
    sized ||
    (description !== undefined &&
      LIMIT_DESCRIPTION.test(description) &&
      /(max|limit|total|capacity)/.test(last))
  );
}

/** Words of a usage or a limit that say what is counted, with their qualifiers taken out. */
const QUALIFIERS = new Set([
  "used",
  "usage",
  "use",
  "current",
  "curr",
  "cur",
  "active",
  "in",
  "inuse",
  "busy",
  "count",
  "num",
  "number",
  "value",
  "max",
  "maximum",
  "limit",
  "limits",
  "total",
  "size",
  "capacity",
  "quota",
  "allocatable",
  "hard",
  "soft",
  "pct",
  "percent",
  "net",
  "performance",
  "stats",
  "open",
  "available",
]);
const SYNONYMS: Readonly<Record<string, string>> = {
  mem: "memory",
  maxmemory: "memory",
  heap: "memory",
  rss: "memory",
  bytes: "memory",
  maxbytes: "memory",
  conn: "connections",
  conns: "connections",
  connection: "connections",
  connected: "connections",
  maxconn: "connections",
  clients: "connections",
  client: "connections",
  maxclients: "connections",
  sessions: "connections",
  session: "connections",
  threads: "threads",
  thread: "threads",
  fd: "fds",
  fds: "fds",
  descriptors: "fds",
  files: "fds",
  inodes: "inodes",
  inode: "inodes",
};

function subjectWords(metric: string): Set<string> {
  const words = tokensOf(metric)
    .slice(1)
    .flatMap((t) => t.split("_"))
    .map((w) => w.replace(/^max(?=[a-z]{3,})/, ""))
    .map((w) => SYNONYMS[w] ?? w)
    .filter((w) => w.length > 0 && !QUALIFIERS.has(w));
  return new Set(words);
}

/**
 * The limit among `candidates` that bounds `usage`: a limit metric of the same integration
 * (first name part) whose words say it counts the same thing (memory, connections, threads…).
 * Undefined when none fits.
 */
export function pairLimit(
  usage: string,
  candidates: readonly string[],
  isLimit: (metric: string) => boolean,
): string | undefined {
  const ns = tokensOf(usage)[0];
  const subject = subjectWords(usage);
  let best: { metric: string; score: number } | undefined;
  for (const limit of candidates) {
    if (limit === usage || tokensOf(limit)[0] !== ns || !isLimit(limit)) continue;
    const words = subjectWords(limit);
    const shared = [...words].filter((w) => subject.has(w)).length;
    const union = new Set([...words, ...subject]).size;
    // An empty subject on either side ("memcache.bytes" vs "memcache.limit_maxbytes") still pairs
    // within one integration when the other side names nothing else.
    const score = union === 0 ? 0.5 : shared / union;
    if (
      score >= 0.5 &&
      (!best || score > best.score || (score === best.score && limit.length < best.metric.length))
    )
      best = { metric: limit, score };
  }
  return best?.metric;
}
