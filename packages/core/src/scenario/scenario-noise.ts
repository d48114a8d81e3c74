import type { Scenario, ScenarioSeries } from "./scenario-schema.js";

/** Deterministic pseudo-random numbers for scenario data: a pure function of a key and an index. */

function hash32(text: string, n: number): number {
  let h = 2166136261 ^ n;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  }
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  h ^= h >>> 15;
  return h >>> 0;
}

/** A uniform number in (0, 1) determined by the key and n. */
export function uniform(key: string, n: number): number {
  return (hash32(key, n) + 0.5) / 4294967296;
}

/** A standard normal number determined by the key and n (Box–Muller). */
export function gaussian(key: string, n: number): number {
  const u1 = uniform(key, n * 2 + 1);
  const u2 = uniform(key, n * 2 + 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export function poisson(lambda: number, key: string, n: number): number {
  if (lambda <= 0) return 0;
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  for (let i = 0; i < 200; i++) {
    p *= uniform(key, n * 1000 + i + 7);
    if (p <= limit) return k;
    k += 1;
  }
  return k;
}

/** The noise key of a series: its scenario, service, metric and group. */
export function seriesKey(scenario: Scenario, series: ScenarioSeries): string {
  return `${scenario.seed}|${scenario.service}|${series.metric}|${series.group.join(",")}`;
}
