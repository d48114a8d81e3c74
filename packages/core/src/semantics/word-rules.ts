import type { SignalKind } from "../signal-kind.js";
import { parseUnit, type Unit } from "../units/unit.js";

/**
 * What the words of a metric say about it, for metrics no hand-written rule covers: the
 * integrations' own metrics (with their published unit, type and description) and custom ones
 * (with their name alone). Rules run in order; each names the evidence it reads, and the first
 * that fits decides.
 */

export interface WordEvidence {
  /** The words read: the name's ("redis.keys.evicted" → ["redis", "keys", "evicted"]), or the description's. */
  readonly tokens: readonly string[];
  /** The same words as one lower-case text. */
  readonly text: string;
  readonly unit: Unit | undefined;
  /** The integration's description of the metric, lower case, when known: it can say what the name does not ("space left"). */
  readonly description?: string;
}

export interface WordReading {
  readonly kind: SignalKind;
  /** Which move is bad: up, down (the healthy state is "more"), both (traffic), or none. */
  readonly bad: "up" | "down" | "both" | "none";
  /** The healthy state is "more than zero": falling to zero is an outage (consumers, healthy hosts). */
  readonly zeroIsBad?: boolean;
  /** Which rule decided, for the trace. */
  readonly rule: string;
}

/**
 * The last word of a name that counts things serving the service: consumers, workers, members,
 * healthy hosts, available replicas. Their healthy state is "more than zero".
 */
const HEALTHY_LAST =
  /^(consumers|active_consumers|workers|members|listeners|replicas|replicas_(available|ready|updated)|(available|ready|healthy)_(replicas|pods|endpoints|hosts|nodes|instances|members|servers|backends|targets)|membership_healthy|in_sync|insync)$/;
/** "ready", "up", "online" count serving things only after a noun that serves: pod.ready, worker.online. */
const BARE_HEALTHY = /^(ready|available|healthy|up|alive|online|running)$/;
const SERVER_NOUN =
  /^(pods?|replicas?|hosts?|nodes?|endpoints?|instances?|members?|servers?|backends?|targets?|workers?|brokers?|agents?|consumers?|address)$/;
/** Shares that are healthy when high: cache hit rates, success ratios. */
const HEALTHY_SHARE =
  /(hit_?rate|hit_?ratio|hit_?percent|hits?_pct|success_?(rate|ratio|pct|percent)|availability|uptime_pct|apdex)/;
const ERROR_WORDS =
  /(^|[._ ])(5xx|errors?|errs?|fail(ed|ures?|s)?|exceptions?|rejected|rejects?|refused|aborted|aborts?|timeouts?|timed_out|dropped|drops|discarded|deadlocks?|oom|outofmemory|killed|lost|unavailable)([._ ]|$)/;
/** A server-error status in a name about responses: "gunicorn.request.status.503", "http.status_code.5xx". */
const SERVER_ERROR_STATUS =
  /(^|[._ ])(status|statuses|status_code|code|codes|responses?|resp|http|rq)[._ ](\w+[._ ])?5(\d\d|xx)([._ ]|$)/;
const TRAFFIC_WORDS =
  /(^|[._ ])(requests?|reqs?|rq|rq_total|hits|queries|query|commands?|cmds?|ops|operations|transactions?|txn|calls|invocations|throughput|rps|qps|messages_(published|delivered|in|out|received|consumed)|messages_in|publish(ed)?|deliver(ed|_get)?|processed|handled|served|records_consumed|consumed|ack|acked|acks|enqueue_count|dequeue_count|dequeued|sent|received|deleted)([._ ]|$)/;
/** Words that make a traffic word a level of work in progress (a saturation), not a flow. */
const IN_PROGRESS =
  /(^|[._ ])(active|current|curr|waiting|pending|inflight|in_flight|idle|queued|blocked|outstanding|in_progress|backlog|not_visible|delayed|enqueued)([._ ]|$)/;
const LATENCY_WORDS =
  /(latency|duration|response_?time|[._]time([._]|$)|time_avg|avg_time|wait_?time|service_?time|rtt|elapsed|[._]ms$|[._](milli|micro|nano)?seconds([._](avg|max|p\d\d|\d\dpercentile|sum|count|bucket))?$)/;
/** Time-valued names that are no latency: ages, timestamps, uptimes, lags, CPU and GC time. */
const NOT_LATENCY =
  /(uptime|timestamp|created|since|(^|[._\s])(age|eta|ttl|left|remaining|until)($|[._\s])|interval|boot|start_?time|last_|expir|retention|lag|cpu|gc|idle|io_time|run_?time|clock|downtime|delay)/;
/** A wait or a lag measured in time: a backlog, read as saturation. */
const LAG_WORDS = /(lag|delay|backlog|oldest|age_of)/;
const SATURATION_WORDS =
  /(connections?|conns?|clients?|pool|sessions?|threads?|busy|queue|queued|backlog|lag|pending|waiting|blocked|inflight|in_flight|active|in_use|used|usage|utili[sz]ation|saturation|evict\w*|throttl\w*|full|(^|[._])fds?($|[._])|file_descriptors?|open_files|sockets?|semaphores?|locks?|swap|load)/;
const MEMORY_WORDS =
  /(^|[._ ])(mem|memory|heap|rss|resident|working_set|alloc\w*|malloc\w*|buffers?|cached?|swap|jvm)([._ ]|$)/;
const DISK_WORDS =
  /(^|[._ ])(disk|disks|fs|filesystem|volume|storage|inodes?|partition|io|log|logs|segment|tablespaces?|datafiles?|temp_space|database_size|table_size|index_size|size_rw|size_rootfs|data|wal|aof|rdb)([._ ]|$)/;
const NETWORK_WORDS =
  /(^|[._ ])(net|network|rx|tx|bytes_(sent|rcvd|received|in|out)|sent|received|recv|transmit\w*|bandwidth|packets?)([._ ]|$)/;
/** Bytes that wait to be sent or processed: a queue's or a backlog's size. */
const QUEUED_BYTES =
  /(^|[._ ])(queue|queued|queues|backlog|pending|outstanding|unacked|undelivered)([._ ]|$)/;
const FREE_WORDS =
  /(^|[._ ])(free|available|avail|usable|remaining|idle|sv_idle|cl_idle|left|space_left|g_space)([._ ]|$)/;

/**
 * Reads a metric's kind and bad direction from its name and unit, then, when the name says
 * nothing recognisable, from its description; undefined when neither does.
 */
export function readWords(e: WordEvidence, description?: string): WordReading | undefined {
  const byName = readText({ ...e, ...(description ? { description: description.toLowerCase() } : {}) });
  if (byName || !description) return byName;
  const text = description.toLowerCase();
  const reading = readText({ ...e, text, tokens: text.split(/[^a-z0-9_]+/).filter(Boolean) });
  return reading ? { ...reading, rule: `${reading.rule}, from the description` } : undefined;
}

function readText(e: WordEvidence): WordReading | undefined {
  // Agent bookkeeping: how many samples a histogram took, not a signal.
  if (e.unit?.name === "sample") return undefined;
  const text = e.text;
  const family = e.unit?.family;
  const perSecond = e.unit?.per !== undefined;
  const last = e.tokens[e.tokens.length - 1] ?? "";
  const has = (re: RegExp): boolean => re.test(text);
  const tokenIs = (re: RegExp): boolean => e.tokens.some((t) => re.test(t));

  if (tokenIs(/^(restarts?|crash(es|loop\w*)?|oomkill\w*)$/))
    return { kind: "restarts", bad: "up", rule: "restart words" };
  if (tokenIs(/^(gc|garbage)$/) || has(/garbage collect/))
    return { kind: "gc", bad: "up", rule: "garbage-collection words" };
  if (has(HEALTHY_SHARE) && !has(ERROR_WORDS))
    return { kind: "saturation", bad: "down", rule: "a share that is healthy when high (hit rate, success)" };
  if (has(SERVER_ERROR_STATUS))
    return { kind: "errors", bad: "up", rule: "responses with a server-error status (5xx)" };
  if (has(ERROR_WORDS))
    return {
      kind: e.unit?.name === "packet" || has(NETWORK_WORDS) ? "network" : "errors",
      bad: "up",
      rule: "error words",
    };
  if (tokenIs(/^slow(_\w+)?$/)) return { kind: "latency", bad: "up", rule: "slow work counted" };
  // Evictions first: "evicted from storage" is a cache under pressure, not a disk.
  if (tokenIs(/^(evict\w*|nuked|lru_nuked|evictions?)$/) || /\bevict/.test(text))
    return { kind: "saturation", bad: "up", rule: "evictions: a cache or a store out of room" };
  // Cache misses are lookups the cache could not serve, not more work arriving: rising at steady
  // traffic they say the cache went cold or is out of room ("varnish.cache_miss" in requests/s).
  if (tokenIs(/^(miss|misses|missed|missesps|missratio|miss_count)$/) || has(/(^|[._])cache_miss/))
    return { kind: "saturation", bad: "up", rule: "cache misses: lookups the cache could not serve" };
  // Hits of a cache are lookups it served: falling at steady traffic, the cache went cold.
  if (tokenIs(/^cache\w*$/) && tokenIs(/^(hits?|hit_count|hits_count)$/) && family !== "share")
    return { kind: "saturation", bad: "down", rule: "cache hits: lookups the cache served" };
  if (tokenIs(/^cpu\w*$/) || family === "cpu")
    return { kind: "cpu", bad: "up", rule: "cpu words or a cpu unit" };
  const previous = e.tokens[e.tokens.length - 2] ?? "";
  const serving =
    HEALTHY_LAST.test(last) ||
    (BARE_HEALTHY.test(last) && SERVER_NOUN.test(previous)) ||
    // "consumer_count", "workers_total": a count of things that serve, not of messages.
    (/^(count|total|number|num)$/.test(last) &&
      /^(consumers?|workers?|members?|replicas?|listeners?)$/.test(previous));
  if (serving && !perSecond && family !== "share" && !has(/(changes?|unhealthy|not_?ready)/))
    return {
      kind: "saturation",
      bad: "down",
      zeroIsBad: true,
      rule: "a count of things that serve (consumers, healthy hosts)",
    };
  if (family === "time" && !perSecond) {
    if (has(LAG_WORDS)) return { kind: "saturation", bad: "up", rule: "a lag or a wait measured in time" };
    // Seconds or days left before something runs out (a certificate, a quota): its fall is the bad move.
    if (has(/(^|[._\s])(left|remaining|until)($|[._\s])|expir/))
      return { kind: "saturation", bad: "down", rule: "time left before something runs out" };
    if (!has(NOT_LATENCY)) return { kind: "latency", bad: "up", rule: "a time unit" };
  }
  if (!family && has(LATENCY_WORDS) && !has(NOT_LATENCY) && !perSecond)
    return { kind: "latency", bad: "up", rule: "latency words" };
  // What is left (free space, space left), by the name or by the description: its fall is the bad move.
  const left = has(FREE_WORDS) || /\b(left|free|remaining|available)\b/.test(e.description ?? "");
  if (family === "bytes" || family === "bits") {
    if (perSecond || has(NETWORK_WORDS)) return { kind: "network", bad: "both", rule: "bytes moved" };
    if (has(DISK_WORDS)) return { kind: "disk", bad: left ? "down" : "up", rule: "bytes stored on disk" };
    // Bytes waiting in a queue or a buffer queue ("fluentd.buffer_total_queued_size") are a backlog,
    // not memory the process holds: they grow while an output is down and drain when it is back.
    if (has(QUEUED_BYTES) && !has(/(^|[._ ])(mem|memory|heap|rss|resident)([._ ]|$)/))
      return { kind: "saturation", bad: left ? "down" : "up", rule: "bytes waiting in a queue (a backlog)" };
    return { kind: "memory", bad: left ? "down" : "up", rule: "bytes held in memory" };
  }
  if (has(DISK_WORDS) && (family === "share" || has(/\b(used|usage|in_use|full)\b|_(used|usage|full)\b/)))
    return { kind: "disk", bad: has(FREE_WORDS) ? "down" : "up", rule: "disk usage words" };
  if (has(MEMORY_WORDS) && family === "share")
    return { kind: "memory", bad: has(FREE_WORDS) ? "down" : "up", rule: "a memory share" };
  // "jvm.memory.used", "process.memory.usage": memory, in bytes, when no unit says otherwise.
  if (!family && has(MEMORY_WORDS) && !has(/(evict|hit|miss|pages?|fault)/))
    return { kind: "memory", bad: left ? "down" : "up", rule: "memory words" };
  if (has(TRAFFIC_WORDS) && !has(IN_PROGRESS))
    return { kind: "requests", bad: "both", rule: "traffic words" };
  if (has(SATURATION_WORDS))
    return {
      kind: "saturation",
      bad: has(FREE_WORDS) ? "down" : "up",
      rule: "saturation words (connections, queues, pools, evictions…)",
    };
  if (family === "share")
    return { kind: "saturation", bad: has(FREE_WORDS) ? "down" : "up", rule: "a share" };
  return undefined;
}

/** The words of a metric's name for `readWords`. */
export function wordEvidence(metric: string, unit: string | undefined, perUnit?: string): WordEvidence {
  const name = metric.toLowerCase();
  return { tokens: name.split(/[._]/).filter(Boolean), text: name, unit: parseUnit(unit, perUnit) };
}
