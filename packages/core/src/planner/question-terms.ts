import { integrationMetric } from "../catalog/integration-catalog.js";
import { spellQuestion } from "./question-spelling.js";

/**
 * What a question names or clearly implies, as words to find in the service's metric names and
 * the integrations' descriptions of them: "locks?" → lock, deadlock; "is redis full" → redis
 * and the memory, limit and eviction words; "db side?" → database, connections, waiting clients;
 * "which backend" → backends and healthy hosts.
 */

/** A thing the question asks about, the words that say it, and the metric words it implies. */
interface Concept {
  readonly name: string;
  readonly asked: RegExp;
  readonly implies: readonly string[];
}

const CONCEPTS: readonly Concept[] = [
  {
    name: "locks",
    asked: /\b(locks?|locking|deadlocks?|lock waits?)\b/,
    implies: ["lock", "locks", "deadlock", "deadlocks", "waits"],
  },
  {
    name: "full",
    asked:
      /\b(full|maxed( out)?|out of (space|memory)|at (the|its) limit|running out|near(ly)? (the )?limit)\b/,
    implies: [
      "used",
      "usage",
      "in_use",
      "maxmemory",
      "max",
      "limit",
      "evicted",
      "evictions",
      "free",
      "total",
      "utilization",
      "space",
      "available",
      "nuked",
    ],
  },
  {
    name: "database",
    asked: /\b(db|database|databases|postgres\w*|mysql|mariadb|sql|queries|query)\b/,
    implies: [
      "postgresql",
      "mysql",
      "pgbouncer",
      "mongodb",
      "db",
      "database",
      "connections",
      "waiting",
      "queries",
      "locks",
      "cl_waiting",
      "active",
    ],
  },
  {
    name: "cache",
    asked: /\b(cache|caching|redis|memcached?|hit ?rate|misses)\b/,
    implies: [
      "redis",
      "memcache",
      "cache",
      "hit",
      "hits",
      "miss",
      "misses",
      "evicted",
      "evictions",
      "maxmemory",
      "nuked",
    ],
  },
  {
    name: "queue",
    asked: /\b(queues?|backlog|lag|consumers?|messages?|rabbit\w*|kafka|sqs|sidekiq|celery|jobs? stuck)\b/,
    implies: [
      "queue",
      "messages",
      "messages_ready",
      "lag",
      "consumer_lag",
      "backlog",
      "consumers",
      "ready",
      "unacknowledged",
      "enqueued",
      "workers",
    ],
  },
  {
    name: "backends",
    asked: /\b(backends?|upstreams?|which (host|server|node)s?|healthy hosts?|load balancer|lb|targets?)\b/,
    implies: ["backend", "upstream", "healthy", "server", "peers", "membership_healthy", "target", "hosts"],
  },
  {
    name: "connections",
    asked: /\b(connections?|conn pool|pool|pools|clients?|sessions?)\b/,
    implies: [
      "connections",
      "clients",
      "pool",
      "sessions",
      "active",
      "waiting",
      "max_connections",
      "maxclients",
      "cl_waiting",
    ],
  },
  {
    name: "threads",
    asked: /\b(threads?|workers?|thread pool)\b/,
    implies: ["threads", "thread", "workers", "busy", "idle"],
  },
  {
    name: "replication",
    asked: /\b(replicas?|replication|replicat\w*)\b/,
    implies: ["replication", "replica", "lag", "delay", "slaves"],
  },
  { name: "evictions", asked: /\bevict\w*\b/, implies: ["evicted", "evictions", "eviction"] },
  {
    name: "gc",
    asked: /\b(gc|garbage collect\w*|pauses?)\b/,
    implies: ["gc", "garbage", "pause", "collection"],
  },
  {
    name: "file descriptors",
    asked: /\b(file descriptors?|fds?|open files|sockets?)\b/,
    implies: ["fd", "fds", "file", "files", "sockets"],
  },
  {
    name: "throttling",
    asked: /\b(throttl\w*|rate.?limit\w*|429s?)\b/,
    implies: ["throttled", "throttle", "throttles", "rate_limit", "limited", "rejected"],
  },
  { name: "timeouts", asked: /\b(time ?outs?|timing out)\b/, implies: ["timeout", "timeouts", "timed_out"] },
  {
    name: "disk",
    asked: /\b(disk|storage|volume|filesystem|inodes?)\b/,
    implies: ["disk", "fs", "filesystem", "inodes", "volume", "in_use", "used", "free"],
  },
  {
    name: "network",
    asked: /\b(network|bandwidth|packets?|egress|ingress)\b/,
    implies: ["net", "network", "bytes", "packets", "rx", "tx"],
  },
  {
    name: "restarts",
    asked: /\b(restarts?|crash\w*|oom\w*|killed)\b/,
    implies: ["restarts", "restart", "oom", "killed", "terminated"],
  },
];

/** Words of the broad signals ("cpu", "errors"): the planner reads those by kind, each kind's best metric first. */
const KIND_WORDS = new Set(
  "cpu cpus processor memory mem ram heap rss disk disks errors error exceptions failures latency slow slower slowness duration response traffic requests request throughput network usage utilization utilisation trend trends load performance health healthy saturation capacity resources resource".split(
    " ",
  ),
);

/** Words of a question that never name a metric. */
const STOPWORDS = new Set(
  "the a an is are was were be been it its this that there their what why how when where which who whom whose do does did doing done has have had having of on in at to for from by with about as and or but not no yes any all some can could should would will shall may might must me my our we you your they them he she his her up down out over under again more most very too just so than then now today yesterday last past hours hour minutes minute days day week weeks since between please tell show check look see going happening happened service services ok okay fine problem problems issue issues wrong right help".split(
    " ",
  ),
);

export interface QuestionTerms {
  /** Concepts the question asks about ("locks", "cache"). */
  readonly concepts: readonly string[];
  /** Words to look for in metric names and descriptions, by the concept they come from ("" for the question's own words). */
  readonly words: ReadonlyMap<string, string>;
}

/** The concepts and words a question names or implies. */
export function questionTerms(question: string, service?: string): QuestionTerms {
  const text = spellQuestion(withoutService(question, service));
  const words = new Map<string, string>();
  const concepts: string[] = [];
  for (const c of CONCEPTS) {
    if (!c.asked.test(text)) continue;
    concepts.push(c.name);
    for (const w of c.implies) if (!words.has(w)) words.set(w, c.name);
  }
  // The question's own words that could be part of a metric name ("orders", "checkout", "p99").
  for (const w of text.match(/[a-z][a-z0-9_]{2,}|\bp\d\d\b|\bdb\b|\bgc\b|\bio\b/g) ?? []) {
    if (STOPWORDS.has(w) || KIND_WORDS.has(w) || words.has(w)) continue;
    words.set(w, "");
  }
  return { concepts, words };
}

/**
 * The question without the service's own name: "is sessions-ca90 ok?" asks nothing about
 * sessions, "session-store-br57" nothing about stores.
 */
export function withoutService(question: string, service?: string): string {
  if (!service) return question;
  const escaped = service.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return question.replace(new RegExp(escaped, "gi"), " ");
}

/** A discovered metric the question points at, with how strongly and through which concepts. */
export interface QuestionMatch {
  readonly metric: string;
  readonly score: number;
  readonly concepts: readonly string[];
}

function nameWords(metric: string): Set<string> {
  const lower = metric.toLowerCase();
  // The namespace (an integration's name) is left out: it says where, not what.
  const parts = lower.split(".").slice(1);
  return new Set([...parts, ...parts.flatMap((p) => p.split("_"))]);
}

/** Agent variants of one metric (`.rate`, `.count`, `.avg`, `.95percentile`…): the question wants one of them. */
const VARIANT_SUFFIX = /\.(rate|count|avg|max|min|median|sum|\d+percentile)$/;

/**
 * The discovered metrics a question names or implies, best first: a word in the metric's name
 * counts most, the question's own word more than an implied one; a word in the integration's
 * description of it counts a little. Metrics no word reaches are left out.
 */
export function metricsForQuestion(terms: QuestionTerms, available: readonly string[]): QuestionMatch[] {
  if (terms.words.size === 0) return [];
  const out: QuestionMatch[] = [];
  const seen = new Set<string>();
  const ordered = [...new Set(available)].sort((a, b) => a.length - b.length);
  for (const metric of ordered) {
    const base = metric.toLowerCase().replace(VARIANT_SUFFIX, "");
    if (seen.has(base)) continue;
    const namespace = metric.toLowerCase().split(".")[0] ?? "";
    const names = nameWords(metric);
    const description = integrationMetric(metric)?.description.toLowerCase() ?? "";
    let score = 0;
    const concepts = new Set<string>();
    for (const [word, concept] of terms.words) {
      // Naming the integration ("is redis full?") narrows where to look; it is not what to read.
      if (word === namespace) {
        score += 0.5;
        continue;
      }
      // One worker or many, a lock or locks: the same thing named.
      const forms = [word, word.endsWith("s") && word.length > 3 ? word.slice(0, -1) : `${word}s`];
      const inName = forms.some((w) => names.has(w));
      const inDescription =
        !inName && description !== "" && new RegExp(`\\b(${forms.join("|")})\\b`).test(description);
      if (!inName && !inDescription) continue;
      score += (inName ? 2 : 0.5) * (concept === "" ? 1.5 : 1);
      if (concept) concepts.add(concept);
    }
    if (score < 1.5) continue;
    seen.add(base);
    out.push({ metric, score, concepts: [...concepts] });
  }
  return out.sort((a, b) => b.score - a.score || a.metric.length - b.metric.length);
}
