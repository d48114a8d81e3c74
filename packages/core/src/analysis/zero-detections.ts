import type { Detection } from "./detection.js";
import { PRIORITY } from "./detection.js";
import { describer } from "./describe.js";
import type { PreparedSeries } from "./prepared-series.js";
import { median } from "./robust.js";

/**
 * A count of work taken off a queue: messages consumed, delivered, acknowledged, deleted after
 * processing, jobs dequeued or processed. Its falling to zero means the consumers stopped, even
 * when nothing reports the consumers themselves.
 */
export function isConsumedFlow(metric: string): boolean {
  return /(dequeue|consum|deliver|(^|[._])acks?($|[._])|acked|deleted|processed)/.test(metric.toLowerCase());
}

/** What a series of serving things does, for the answer: "nothing is consuming". */
function doing(name: string): string {
  if (isConsumedFlow(name)) return "taken off the queue";
  if (/consumer/.test(name)) return "consuming";
  if (/worker/.test(name)) return "working";
  if (/(replica|pod|endpoint|instance|ready|available)/.test(name)) return "available";
  if (/(member|isr|in_sync|insync)/.test(name)) return "in the group";
  return "serving";
}

/**
 * Things that serve the service (consumers, workers, healthy hosts, available replicas) falling
 * to zero, or the work they take off a queue falling to zero: whatever else looks calm, nothing
 * is doing the work. Ongoing is critical; a fall to zero that came back inside the window is a
 * warning about what happened.
 */
export function zeroDetections(p: PreparedSeries, windowMs: number): Detection[] {
  const flow = p.kind === "requests" && isConsumedFlow(p.series.metric);
  if (!p.profile?.zeroIsBad && !flow) return [];
  const v = p.values;
  const n = v.length;
  if (n < 4) return [];
  // The longest run of zeros after the series was above zero.
  let best: [number, number] | undefined;
  let s = -1;
  let seenPositive = false;
  for (let i = 0; i <= n; i++) {
    const zero = i < n && (v[i] ?? 0) <= 1e-9;
    if (i < n && !zero) seenPositive = true;
    if (zero && s < 0 && seenPositive) s = i;
    if (!zero && s >= 0) {
      if (!best || i - s > best[1] - best[0]) best = [s, i];
      s = -1;
    }
  }
  if (!best) return [];
  const [from, to] = best;
  const startMs = p.times[from] ?? 0;
  const endMs = p.times[to - 1] ?? startMs;
  const lastedMs = endMs - startMs + p.intervalMs;
  if (to - from < 2 || lastedMs < 2 * 60_000) return [];
  const before = median(v.subarray(Math.max(0, from - 30), from));
  if (!(before >= 1)) return [];
  // A count at a low rate reads 0 now and then by chance: its run of zeros must be improbable
  // (Poisson: each interval is 0 with chance e^-rate).
  if (flow && (to - from) * before < 14) return [];
  const ongoing = to === n;
  const d = describer(p, windowMs);
  const what = doing(p.series.metric.toLowerCase());
  return [
    {
      key: p.label,
      metric: p.series.metric,
      ...(p.kind !== undefined ? { kind: p.kind } : {}),
      category: "availability",
      severity: ongoing ? "critical" : "warning",
      anomaly: "zero",
      start: startMs,
      end: endMs,
      evidence: {
        anomaly: "zero",
        baseline: d.num(before),
        level: 0,
        current: d.num(v[n - 1] ?? 0),
        duration_min: Math.round(lastedMs / 60_000),
      },
      summary: ongoing
        ? `${p.label} fell from ${d.v(before)} to 0 at ${d.at(startMs)}: nothing has been ${what} since (${d.dur(lastedMs)})${flow ? ": its consumers or workers stopped processing" : ""}`
        : `${p.label} fell from ${d.v(before)} to 0 from ${d.at(startMs)} to ${d.at(endMs)} (${d.dur(lastedMs)}) and came back`,
      magnitude: 3,
      priority: PRIORITY.zero,
    },
  ];
}
