import { catalogRole, type MetricRole } from "../metric-role.js";

/** A cache with a memory limit that evicts when full. Memory roles speak bytes, evictions events per second. */
export interface CacheRole {
  readonly name: string;
  readonly words: readonly string[];
  /** Bytes stored. */
  readonly used: MetricRole;
  /** The configured limit (bytes), or the space left (falls to ~0 when full). */
  readonly limit?: MetricRole;
  readonly free?: MetricRole;
  readonly evictions: MetricRole;
  /** How an answer should name the limit. */
  readonly limitWords: string;
  /** Sizes such caches are given, bytes. */
  readonly size: readonly [number, number];
}

const GIB = 1024 ** 3;

export const CACHES: readonly CacheRole[] = [
  {
    name: "redis",
    words: ["redis", "the cache", "the session store"],
    used: catalogRole("redis.mem.used"),
    limit: catalogRole("redis.mem.maxmemory"),
    // INFO's evicted_keys is a running total; the check submits it as a gauge.
    evictions: catalogRole("redis.keys.evicted", { reading: "cumulative" }),
    limitWords: "/maxmemory|limit|full/",
    size: [0.5 * GIB, 16 * GIB],
  },
  {
    name: "memcached",
    words: ["memcached", "memcache", "the cache"],
    used: catalogRole("memcache.bytes"),
    limit: catalogRole("memcache.limit_maxbytes"),
    evictions: catalogRole("memcache.evictions_rate"),
    limitWords: "/limit|maxbytes|full/",
    size: [0.5 * GIB, 8 * GIB],
  },
  {
    name: "varnish",
    words: ["varnish", "the http cache", "the cache"],
    used: catalogRole("varnish.SMA.s0.g_bytes"),
    free: catalogRole("varnish.SMA.s0.g_space"),
    // n_lru_nuked: objects evicted to make room, a running total.
    evictions: catalogRole("varnish.n_lru_nuked", { reading: "cumulative" }),
    limitWords: "/storage|space|full|limit/",
    size: [1 * GIB, 32 * GIB],
  },
];
