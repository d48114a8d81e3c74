import { isShare, parseUnit } from "../units/unit.js";
import type { PreparedSeries } from "./prepared-series.js";

import type { Resource } from "../analysis-result.js";

export type { Resource } from "../analysis-result.js";

/** How full a bounded resource is, as a share in [0, 1], and the shares that mean trouble. */
export interface Utilisation {
  /** Raw value → used share (idle CPU and usable memory are turned around). */
  readonly used: (raw: number) => number;
  /** Used share → raw value, for reporting thresholds in the metric's own unit. */
  readonly raw: (used: number) => number;
  readonly warn: number;
  readonly crit: number;
  /** The level at which the resource is exhausted, as a used share (1 = full). */
  readonly full: number;
  readonly resource: Resource;
  /** The bound came from a limit metric the service reports (maxmemory, max_connections), not from the unit. */
  readonly fromLimit: boolean;
}

/**
 * The shares of a resource's capacity that mean trouble, and why. A warning leaves time to act;
 * critical means the service is, or is about to be, hurt by it.
 */
export const UTILISATION_THRESHOLDS: Readonly<
  Record<Resource, { readonly warn: number; readonly crit: number; readonly reason: string }>
> = {
  CPU: {
    warn: 0.8,
    crit: 0.9,
    reason: "past 80–90 % busy, queues form and latency rises before CPU reaches 100 %",
  },
  memory: {
    warn: 0.85,
    crit: 0.92,
    reason: "near a memory limit the runtime reclaims hard, a cache evicts, or the kernel kills the process",
  },
  disk: { warn: 0.85, crit: 0.95, reason: "filesystems slow down near full and writes fail at 100 %" },
  "connection pool": {
    warn: 0.8,
    crit: 0.9,
    reason: "a pool near its size makes callers wait for a connection",
  },
  threads: { warn: 0.8, crit: 0.9, reason: "with no idle thread, new work waits" },
  "file descriptors": { warn: 0.8, crit: 0.9, reason: "at the limit, new connections and files are refused" },
  queue: { warn: 0.8, crit: 0.9, reason: "a full queue rejects or blocks new messages" },
  capacity: { warn: 0.8, crit: 0.9, reason: "little headroom is left before the configured limit" },
};

/** The resource a saturation metric's name speaks of. */
function saturationResource(name: string): Resource {
  if (/(conn|pool|client|session|backend)/.test(name)) return "connection pool";
  if (/(thread|worker)/.test(name)) return "threads";
  if (/(fd|file|descriptor|socket)/.test(name)) return "file descriptors";
  if (/(queue|messages|backlog)/.test(name)) return "queue";
  if (/(mem|evict|cache)/.test(name)) return "memory";
  return "capacity";
}

/** Names that promise a share of a limit: a pool's usage, a utilisation, a ratio. */
const SHARE_NAME = /(pct|percent|usage|utili[sz]ation|ratio|in_use)/;

/**
 * The utilisation reading of a series when it measures a bounded resource: a share by its unit
 * (CPU %, memory usable %, disk in_use, a pool's usage fraction), or a usage whose limit the
 * service reports and the plan read (memory against maxmemory or the container limit,
 * connections against max_connections, disk bytes against the disk's size). Otherwise
 * undefined: unbounded metrics (latency, queue lengths, bytes) have no absolute threshold, only
 * their own baseline.
 */
export function utilisationOf(p: PreparedSeries): Utilisation | undefined {
  const { profile, kind } = p;
  const name = p.series.metric.toLowerCase();
  if (!profile || !kind) return undefined;
  let max = 0;
  for (const v of p.values) max = Math.max(max, v);
  const unit = parseUnit(p.unit);
  const lowIsBad = profile.bad === "down";
  const share = isShare(unit);
  // A limit read beside the usage makes it a share of that limit.
  // Free space against the total is a share too, turned around: used = 1 − free / total.
  const bounded = !share && p.limit !== undefined && p.limit > 0 && max <= p.limit * 1.05;
  const scale = bounded
    ? (p.limit ?? 0)
    : share && unit
      ? 1 / unit.scale
      : unit === undefined &&
          (kind === "cpu" || kind === "memory" || kind === "disk" || SHARE_NAME.test(name))
        ? max <= 1
          ? 1
          : max <= 100
            ? 100
            : 0
        : 0;
  // Values beyond the bound (nanocores, bytes, CPU % across cores) have an unknown bound.
  if (scale === 0 || max > scale * 1.05) return undefined;
  const make = (resource: Resource): Utilisation => {
    const t = UTILISATION_THRESHOLDS[resource];
    return {
      used: lowIsBad ? (v) => 1 - v / scale : (v) => v / scale,
      raw: lowIsBad ? (u) => (1 - u) * scale : (u) => u * scale,
      warn: t.warn,
      crit: t.crit,
      full: 1,
      resource,
      fromLimit: bounded,
    };
  };
  switch (kind) {
    case "cpu":
      return share || unit === undefined ? make("CPU") : undefined;
    case "memory":
      return make("memory");
    case "disk":
      if (/io\.(util|await)|(read|write)_time_pct/.test(name)) return undefined;
      return make("disk");
    case "saturation":
      // A healthy share (a hit rate) or a count of servers is no resource that fills up.
      if (lowIsBad || profile.zeroIsBad) return undefined;
      if (!bounded && !SHARE_NAME.test(name) && !share) return undefined;
      return make(saturationResource(name));
    default:
      return undefined;
  }
}
