import type { Series } from "../evidence.js";
import type { MetricProfile } from "../metric-catalog.js";
import { summaryCountOf } from "../metric-catalog.js";

interface Understood {
  readonly series: Series;
  readonly profile: MetricProfile | undefined;
}

/** What a summary's count counts: requests (whatever unit its metadata repeats from the sum's). */
function countProfile(profile: MetricProfile | undefined): MetricProfile | undefined {
  if (!profile) return undefined;
  return {
    ...profile,
    kind: "requests",
    unit: "request",
    aggregator: "sum",
    bad: "both",
    higherIsWorse: false,
  };
}

/**
 * Reads a Prometheus/OpenMetrics summary or histogram the way its two parts mean: `<name>.sum`
 * (or `_sum`) is the total time spent by the `<name>.count` requests, so the latency is
 * sum ÷ count per interval, the mean duration of one request (as APM's duration is read per hit).
 * The sum is replaced by that mean, in the sum's unit; the count becomes the requests it counts.
 * A sum of durations read without its count is total time spent, which grows with traffic: it is
 * no latency and is left out of the latency detectors (`kind` none, neutral).
 */
export function pairSummaries(understood: readonly Understood[]): Understood[] {
  const counts = new Set<string>();
  const out = understood.map((u): Understood => {
    const s = u.series;
    const countName = summaryCountOf(s.metric);
    if (countName === undefined || (s.kind ?? u.profile?.kind) !== "latency") return u;
    const count = understood.find(
      (c) => c.series.metric === countName && c.series.group.join(",") === s.group.join(","),
    );
    if (!count) {
      return {
        series: {
          ...s,
          derived: "a summary's total time spent (sum of durations): it grows with traffic and is no latency",
        },
        profile: u.profile
          ? { ...u.profile, bad: "none", higherIsWorse: false, rule: "sum of durations without its count" }
          : undefined,
      };
    }
    counts.add(countName);
    const byTime = new Map(count.series.points.map(([t, v]) => [t, v]));
    const points = s.points.map(([t, v]): [number, number | null] => {
      const n = byTime.get(t);
      return [t, v === null || n === null || n === undefined || !(n > 0) ? null : v / n];
    });
    return {
      series: {
        ...s,
        points,
        derived: `the mean duration per request: ${s.metric} ÷ ${countName} per interval`,
      },
      profile: u.profile,
    };
  });
  return out.map((u) =>
    counts.has(u.series.metric) && (u.series.kind ?? u.profile?.kind) !== "requests"
      ? {
          series: { ...u.series, unit: "request", ...(u.series.kind ? { kind: "requests" as const } : {}) },
          profile: countProfile(u.profile),
        }
      : u,
  );
}
