import type { TimeWindow } from "../time-window.js";
import type { Detection } from "./detection.js";
import { formatDuration } from "./format-value.js";

const UP = new Set(["spike", "burst"]);
const DOWN = new Set(["dip", "drop"]);

/** Episodes needed before a repetition counts as a rhythm. */
const MIN_EPISODES = 4;

function fold(episodes: readonly Detection[], periodMs: number, count: number): Detection {
  const first = episodes[0] as Detection;
  const last = episodes[episodes.length - 1] as Detection;
  const base = episodes.reduce((a, b) => (b.magnitude > a.magnitude ? b : a));
  const every = formatDuration(periodMs);
  return {
    ...base,
    severity: "info",
    start: first.start,
    end: last.end,
    evidence: { ...base.evidence, episodes: count, period_min: Math.round(periodMs / 60_000) },
    summary: `${base.summary.replace(/ \(\d+ bursts\)$/, "")}; it recurs about every ${every} (${count} times) across the whole window: the workload's own rhythm (a scheduled job or batch), not a new incident`,
  };
}

/**
 * Short excursions that repeat at a steady pace from the start of the window to its end are the
 * series' normal rhythm (an hourly batch, a cron job), not news: they become one context
 * finding. Repetition that starts inside the window is left alone: that is an incident (flapping).
 */
export function foldRecurring(detections: readonly Detection[], window: TimeWindow): Detection[] {
  const windowMs = window.end - window.start;
  let out = [...detections];
  for (const direction of [UP, DOWN]) {
    const episodes = out.filter((d) => direction.has(d.anomaly)).sort((a, b) => a.start - b.start);
    const first = episodes[0];
    const last = episodes[episodes.length - 1];
    if (!first || !last || last.end - first.start < 0.8 * windowMs) continue;
    let count = episodes.length;
    let period: number;
    if (episodes.length >= MIN_EPISODES) {
      const gaps = episodes.slice(1).map((d, i) => d.start - (episodes[i]?.start ?? 0));
      period = gaps.reduce((a, b) => a + b, 0) / gaps.length;
      const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - period) ** 2, 0) / gaps.length);
      const longest = Math.max(...episodes.map((d) => d.end - d.start));
      if (sd > 0.25 * period || longest > 0.6 * period) continue;
    } else {
      // Bursts close together were already folded into one flapping episode that remembers how many it holds.
      count = episodes.reduce((a, d) => a + (Number(d.evidence.episodes) || 1), 0);
      if (count < MIN_EPISODES) continue;
      period = (last.end - first.start) / count;
    }
    if (first.start - window.start > 1.5 * period || window.end - last.end > 1.5 * period) continue;
    const folded = fold(episodes, period, count);
    out = [...out.filter((d) => !episodes.includes(d)), folded];
  }
  return out;
}
