import type { PreparedSeries } from "./prepared-series.js";

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
  readonly resource: "CPU" | "memory" | "disk" | "connection pool" | "capacity";
}

const LIMITS = {
  cpu: { warn: 0.8, crit: 0.9 },
  memory: { warn: 0.85, crit: 0.92 },
  disk: { warn: 0.85, crit: 0.95 },
  pool: { warn: 0.8, crit: 0.9 },
} as const;

/**
 * The utilisation reading of a series when it measures a bounded resource (CPU %, memory
 * usable %, disk in_use, a connection pool's usage), else undefined: unbounded metrics
 * (latency, queue lengths, bytes) have no absolute threshold, only their own baseline.
 */
export function utilisationOf(p: PreparedSeries): Utilisation | undefined {
  const { profile, kind } = p;
  const name = p.series.metric.toLowerCase();
  if (!profile || !kind) return undefined;
  let max = 0;
  for (const v of p.values) max = Math.max(max, v);
  // Bytes of a disk are a share of its total when the total was read (system.disk.total).
  const bounded =
    kind === "disk" && profile.unit === "bytes" && profile.higherIsWorse && p.limit !== undefined;
  const scale = bounded
    ? (p.limit ?? 0)
    : profile.unit === "percent"
      ? 100
      : profile.unit === "fraction"
        ? 1
        : max <= 1
          ? 1
          : max <= 100
            ? 100
            : 0;
  // A name that promises a share but values beyond it (nanocores, bytes) has an unknown bound.
  if (scale === 0 || max > scale * 1.05) return undefined;
  const direct = (v: number): number => v / scale;
  const inverse = (v: number): number => 1 - v / scale;
  const make = (
    limits: { warn: number; crit: number },
    resource: Utilisation["resource"],
    lowIsBad: boolean,
  ): Utilisation => ({
    used: lowIsBad ? inverse : direct,
    raw: lowIsBad ? (u) => (1 - u) * scale : (u) => u * scale,
    warn: limits.warn,
    crit: limits.crit,
    full: 1,
    resource,
  });
  switch (kind) {
    case "cpu":
      if (profile.unit !== "percent" && profile.unit !== "fraction") return undefined;
      return make(LIMITS.cpu, "CPU", !profile.higherIsWorse);
    case "memory":
      if (profile.unit !== "percent" && profile.unit !== "fraction") return undefined;
      return make(LIMITS.memory, "memory", !profile.higherIsWorse);
    case "disk":
      if (profile.unit !== "percent" && profile.unit !== "fraction" && !bounded) return undefined;
      if (/io\.(util|await)/.test(name)) return undefined;
      return make(LIMITS.disk, "disk", !profile.higherIsWorse);
    case "saturation":
      if (!/(pct|percent|usage|utili[sz]ation|ratio)/.test(name)) return undefined;
      return make(LIMITS.pool, /conn|pool|client/.test(name) ? "connection pool" : "capacity", false);
    default:
      return undefined;
  }
}
