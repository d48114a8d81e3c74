import type { MonitorInfo } from "../evidence.js";
import type { FindingCategory } from "../finding.js";
import type { TimeWindow } from "../time-window.js";
import type { Detection } from "./detection.js";
import { PRIORITY } from "./detection.js";
import { formatTime } from "./format-value.js";

const CATEGORY_WORDS: ReadonlyArray<readonly [RegExp, FindingCategory]> = [
  [/(5xx|4xx|error|errors|exception|fail|failure|fatal)/, "errors"],
  [/(latency|duration|p9[059]|response.?time|slow|apdex)/, "latency"],
  [/(leak|heap)/, "memory_leak"],
  [/(disk|inode|volume|storage)/, "capacity"],
  [/(cpu|memory|mem\b|\.mem\.|load|saturat|connection|pool|queue|lag|thread|throttl)/, "saturation"],
  [/(hits|requests|traffic|throughput|rps|qps)/, "traffic"],
  [/(health|uptime|availability|no.?data|down|heartbeat|synthetic|restart|crash|oom)/, "availability"],
];

/** The category of a monitor, read from its query then its name. */
export function monitorCategory(monitor: MonitorInfo): FindingCategory {
  if (monitor.state === "No Data") return "availability";
  for (const text of [monitor.query ?? "", monitor.name]) {
    const lower = text.toLowerCase();
    const hit = CATEGORY_WORDS.find(([re]) => re.test(lower));
    if (hit) return hit[1];
  }
  return "availability";
}

/** Monitors in Alert, Warn or No Data, as detections (metric "monitors"). */
export function monitorDetections(monitors: readonly MonitorInfo[], window: TimeWindow): Detection[] {
  const out: Detection[] = [];
  for (const m of monitors) {
    const severity =
      m.state === "Alert" ? "critical" : m.state === "Warn" || m.state === "No Data" ? "warning" : undefined;
    if (!severity) continue;
    const since =
      m.last_triggered !== undefined
        ? Math.min(window.end, Math.max(window.start, m.last_triggered))
        : window.end;
    const when =
      m.last_triggered !== undefined
        ? ` since ${formatTime(m.last_triggered, window.end - window.start)}`
        : "";
    out.push({
      key: `monitor:${m.id}`,
      metric: "monitors",
      category: monitorCategory(m),
      severity,
      anomaly: "monitor",
      start: since,
      end: window.end,
      evidence: {
        monitor_id: m.id,
        monitor: m.name,
        state: m.state,
        ...(m.query !== undefined ? { query: m.query } : {}),
      },
      summary: `Monitor "${m.name}" is in ${m.state}${when}`,
      magnitude: severity === "critical" ? 1 : 0.5,
      priority: PRIORITY.monitor,
    });
  }
  return out;
}
