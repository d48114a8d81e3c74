import type { DrawRandom } from "./draw-random.js";
import type { DrawnWindow } from "./draw-window.js";
import { drawSeasonality } from "./front-door.js";
import { CPUS, cpuInCores } from "./roles/host-signals.js";
import { DISKS } from "./roles/disks.js";
import { seriesOf, type SeriesInput } from "./series-draft.js";

/**
 * Healthy neighbours a service also reports (CPU, a disk): real services report far more than
 * the story's metrics, and an analyst must leave the healthy ones alone.
 */
export function drawNeighbours(r: DrawRandom, w: DrawnWindow, count = r.int(1, 2)): SeriesInput[] {
  const out: SeriesInput[] = [];
  const cpu = r.pick(CPUS);
  const seasonality = drawSeasonality(r, w);
  out.push(
    seriesOf(cpu, w.intervalS, {
      level: cpuInCores(cpu) ? r.range(0.2, 1.5) : r.range(0.15, 0.55),
      noise: r.range(0.04, 0.1),
      ...(seasonality ? { seasonality } : {}),
    }),
  );
  if (count > 1) {
    const disk = r.pick(DISKS.filter((d) => d.share !== undefined));
    if (disk.share) out.push(seriesOf(disk.share, w.intervalS, { level: r.range(0.2, 0.6), noise: 0.003 }));
  }
  return out;
}
