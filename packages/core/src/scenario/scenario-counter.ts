import { gaussian } from "./scenario-noise.js";
import type { ScenarioSeries } from "./scenario-schema.js";

/**
 * Cumulative counters (a Prometheus `_total` read raw): the series' modelled level is a rate per
 * second, and each point is the total accumulated since the process started. The total is
 * integrated on a grid fixed by the scenario and the anchor (never by the read's window), so
 * every read of any window, including a day or a week earlier, sees the same counter.
 */

const DAY_MS = 86_400_000;
/**
 * How far before the scenario's window the counter's history starts: room for a window widened
 * to a week and the week before it. Before that the counter did not exist: reads get no data,
 * as Datadog gives none for a metric not yet reported, never a flat total that reads as no traffic.
 */
const HISTORY_MS = 15 * DAY_MS;
/** Uptime the counter already has at the start of its history, in seconds of the baseline rate. */
const UPTIME_S = 3 * 86_400;

export interface CounterInput {
  /** Identifies the series and everything its history depends on (the cache key). */
  readonly key: string;
  readonly noiseKey: string;
  readonly series: ScenarioSeries;
  readonly anchor: number;
  readonly windowMs: number;
  /** Reset times (epoch ms). */
  readonly resets: readonly number[];
  /** The modelled rate per second at a time. */
  readonly level: (t: number) => number;
  readonly t: number;
}

interface CounterHistory {
  readonly origin: number;
  readonly gridMs: number;
  /** Totals at origin + i × grid, before any reset. */
  readonly prefix: Float64Array;
  readonly startTotal: number;
}

const cache = new Map<string, CounterHistory>();
const CACHE_LIMIT = 64;

function historyOf(input: CounterInput): CounterHistory {
  const cached = cache.get(input.key);
  if (cached) return cached;
  const gridMs = Math.max(10_000, Math.round(input.windowMs / 2000 / 10_000) * 10_000);
  const origin = Math.floor((input.anchor - input.windowMs - HISTORY_MS) / gridMs) * gridMs;
  const steps = Math.ceil((input.anchor + gridMs - origin) / gridMs) + 1;
  const prefix = new Float64Array(steps);
  for (let i = 1; i < steps; i++) {
    const t = origin + (i - 0.5) * gridMs;
    const rate = Math.max(0, input.level(t));
    const noisy = rate * (1 + input.series.noise * gaussian(input.noiseKey, Math.floor(t / 1000)));
    prefix[i] = (prefix[i - 1] ?? 0) + Math.max(0, noisy) * (gridMs / 1000);
  }
  const history = { origin, gridMs, prefix, startTotal: Math.max(0, input.series.baseline) * UPTIME_S };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value ?? "");
  cache.set(input.key, history);
  return history;
}

/** The total accumulated by t since the history began (linear within a grid step). */
function accumulated(h: CounterHistory, t: number): number {
  const x = Math.min(Math.max(0, (t - h.origin) / h.gridMs), h.prefix.length - 1);
  const i = Math.floor(x);
  const a = h.prefix[i] ?? 0;
  const b = h.prefix[Math.min(i + 1, h.prefix.length - 1)] ?? a;
  return a + (b - a) * (x - i);
}

/** The counter's value at t: the running total since the last reset (or since its history began); null before its history. */
export function counterValueAt(input: CounterInput): number | null {
  const h = historyOf(input);
  const { t } = input;
  if (t < h.origin) return null;
  const reset = input.resets.filter((r) => r <= t).reduce((a, b) => Math.max(a, b), -Infinity);
  const total = Number.isFinite(reset)
    ? accumulated(h, t) - accumulated(h, reset)
    : h.startTotal + accumulated(h, t);
  return input.series.integer ? Math.floor(total) : Math.round(total * 1000) / 1000;
}
