import type { MonitorExclusion, MonitorInfo } from "../evidence.js";
import type { FindingCategory, Severity } from "../finding.js";
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

/** "2024-01-24 02:56 UTC": a moment outside the window carries its date and year. */
function formatMoment(ms: number, window: TimeWindow): string {
  if (ms >= window.start && ms <= window.end) return formatTime(ms, window.end - window.start);
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** What a troubled state means now: a monitor alerting since before the window is long-standing, not news. */
const SEVERITY: Readonly<Record<string, { readonly fresh: Severity; readonly standing: Severity }>> = {
  Alert: { fresh: "critical", standing: "warning" },
  Warn: { fresh: "warning", standing: "info" },
  "No Data": { fresh: "warning", standing: "info" },
};

/**
 * Monitors in Alert, Warn or No Data, as detections (metric "monitors"). A monitor in its state
 * since before the window (Datadog's overall_state_modified, `state_since`) is "ongoing since
 * <date, year>": it starts at the window's start, not as a new incident there, and counts one
 * severity lower (an Alert of 2022 is a warning about a long-standing alert, not today's critical).
 */
export function monitorDetections(monitors: readonly MonitorInfo[], window: TimeWindow): Detection[] {
  const out: Detection[] = [];
  for (const m of monitors) {
    const levels = SEVERITY[m.state];
    if (!levels) continue;
    const since = m.state_since ?? m.last_triggered;
    const standing = since !== undefined && since < window.start;
    const severity = standing ? levels.standing : levels.fresh;
    const start = since !== undefined ? Math.min(window.end, Math.max(window.start, since)) : window.end;
    const when =
      since === undefined
        ? ""
        : standing
          ? `, ongoing since ${formatMoment(since, window)} (before the window)`
          : ` since ${formatMoment(since, window)}`;
    // A re-trigger inside the window of a long-standing monitor is worth its own mention.
    const retriggered =
      standing && m.last_triggered !== undefined && m.last_triggered >= window.start
        ? `, last triggered ${formatMoment(m.last_triggered, window)}`
        : "";
    out.push({
      key: `monitor:${m.id}`,
      metric: "monitors",
      category: monitorCategory(m),
      severity,
      anomaly: "monitor",
      start,
      end: window.end,
      evidence: {
        monitor_id: m.id,
        monitor: m.name,
        state: m.state,
        ...(m.type !== undefined ? { type: m.type } : {}),
        ...(m.query !== undefined ? { query: m.query } : {}),
        ...(since !== undefined ? { since: formatMoment(since, window) } : {}),
        ...(standing ? { ongoing: "since before the window" } : {}),
      },
      summary: `Monitor "${m.name}" is in ${m.state}${when}${retriggered}`,
      magnitude: severity === "critical" ? 1 : severity === "warning" ? 0.5 : 0.25,
      priority: PRIORITY.monitor,
    });
  }
  return out;
}

const EXCLUSION_WORDS: Readonly<Record<MonitorExclusion["reason"], (n: number) => string>> = {
  other_scope: (n) => `${n} name another service or env`,
  over_cap: (n) => `${n} are past the most a read keeps (the most troubled were kept)`,
  unread: () => "more may exist beyond the pages read",
};

/** "12 monitors found but left out: 10 name another service or env, 2 are past …"; undefined when none were. */
export function monitorExclusionText(excluded: readonly MonitorExclusion[]): string | undefined {
  if (excluded.length === 0) return undefined;
  const counted = excluded.reduce((n, e) => n + e.count, 0);
  const reasons = excluded.map((e) => EXCLUSION_WORDS[e.reason](e.count)).join("; ");
  return counted > 0 ? `${counted} monitor(s) found but left out: ${reasons}` : `Monitors: ${reasons}`;
}
