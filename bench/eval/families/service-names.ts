import type { DrawRandom } from "./draw-random.js";

const REGIONS = ["eu", "us", "ap", "ca", "uk", "de", "fr", "jp", "br", "in"] as const;

/**
 * A service name from a story's bases, with a region and cell number ("checkout-eu17") so that
 * draws rarely share one: the fake Datadog routes by service, and scenarios sharing a service
 * run in separate waves.
 */
export function drawService(r: DrawRandom, bases: readonly string[]): string {
  return `${r.pick(bases)}-${r.pick(REGIONS)}${r.int(1, 99)}`;
}
