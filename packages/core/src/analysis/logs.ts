import type { LogSummary, Series } from "../evidence.js";
import type { MetricProfile } from "../metric-catalog.js";
import type { TimeWindow } from "../time-window.js";
import type { Detection } from "./detection.js";
import { detectSeries } from "./series-detections.js";

const LOG_COUNT: MetricProfile = {
  kind: "errors",
  unit: "entry",
  aggregator: "sum",
  asCount: true,
  bad: "up",
  higherIsWorse: true,
  preference: 0,
  source: "rules",
};

/** Error logs per bucket as a series, so the same detectors read them. */
export function logCountSeries(logs: LogSummary): Series {
  const times = logs.error_counts.map(([t]) => t);
  let interval = 60;
  if (times.length > 1) interval = Math.max(1, Math.round(((times[1] ?? 0) - (times[0] ?? 0)) / 1000));
  return {
    metric: "logs",
    query: "error logs",
    group: [],
    points: logs.error_counts.map(([t, c]) => [t, c] as const),
    interval_s: interval,
    kind: "errors",
    unit: "entry",
  };
}

/** Error-log bursts (metric "logs"), naming the most frequent message. */
export function logDetections(logs: LogSummary, window: TimeWindow): Detection[] {
  if (logs.error_counts.length < 8) return [];
  const top = logs.top_messages[0];
  return detectSeries(logCountSeries(logs), window, { profile: LOG_COUNT })
    .filter((d) => d.category === "errors" && d.anomaly !== "flatline" && d.anomaly !== "nodata")
    .map((d) => ({
      ...d,
      key: "logs",
      metric: "logs",
      evidence: {
        ...d.evidence,
        total_errors: logs.total_errors,
        ...(top ? { top_message: top.message, top_message_count: top.count } : {}),
      },
      summary: `Error logs ${d.summary.replace(/^logs\s+/, "")}${top ? `; most frequent: "${top.message}" (${top.count}×)` : ""}`,
    }));
}
