import type { EventInfo } from "../evidence.js";
import type { TimeWindow } from "../time-window.js";
import type { Detection } from "./detection.js";
import { PRIORITY, maxSeverity } from "./detection.js";
import { formatDuration, formatTime } from "./format-value.js";

/** How long after a deploy an error or latency change is still blamed on it. */
const DEPLOY_LAG_MS = 30 * 60_000;
/** Detected onsets can land a little before the recorded deploy time (clock skew, smoothing). */
const EARLY_MS = 3 * 60_000;
/** A change this soon after a deploy is the deploy's, whatever else moved. */
const DIRECT_LAG_MS = 5 * 60_000;
/** A change this soon after a resource filled up, later than the deploy, is the resource's. */
const RESOURCE_LAG_MS = 10 * 60_000;
/** Findings about a resource filling up, which explain latency and errors that follow them. */
const RESOURCE_CATEGORIES = new Set<string>(["saturation", "capacity", "memory_leak"]);

function link(d: Detection, uid: string): Detection {
  return d.related?.includes(uid) ? d : { ...d, related: [...(d.related ?? []), uid] };
}

/** "errors (trace.http.request.errors, logs) and latency (trace.http.request.duration…)": one mention per category. */
function byCategory(detections: readonly Detection[]): string {
  const groups = new Map<string, string[]>();
  for (const d of detections) {
    const metrics = groups.get(d.category) ?? [];
    if (!metrics.includes(d.metric)) metrics.push(d.metric);
    groups.set(d.category, metrics);
  }
  return [...groups].map(([category, metrics]) => `${category} (${metrics.join(", ")})`).join(" and ");
}

/**
 * Links error and latency detections that start within 30 minutes after a deploy to it, and
 * adds one `deploy_regression` detection per such deploy (metric "events") naming the deploy
 * and the delay. Every detection must carry a uid.
 */
export function correlateDeploys(
  detections: readonly Detection[],
  events: readonly EventInfo[],
  window: TimeWindow,
): Detection[] {
  let out = [...detections];
  const deploys = events.filter((e) => e.type === "deploy").sort((a, b) => a.time - b.time);
  const windowMs = window.end - window.start;
  for (const deploy of deploys) {
    let linked = out.filter(
      (d) =>
        (d.category === "errors" || d.category === "latency") &&
        d.severity !== "info" &&
        d.anomaly !== "monitor" &&
        d.start >= deploy.time - EARLY_MS &&
        d.start <= deploy.time + DEPLOY_LAG_MS,
    );
    // A change that began well after the deploy, just after a resource filled up (a pool, CPU,
    // memory), is that resource's effect: the deploy does not claim it.
    const afterResource = (d: Detection): boolean =>
      d.start - deploy.time > DIRECT_LAG_MS &&
      out.some(
        (r) =>
          RESOURCE_CATEGORIES.has(r.category) &&
          r.severity !== "info" &&
          r.start > deploy.time + EARLY_MS &&
          r.start <= d.start &&
          d.start - r.start <= RESOURCE_LAG_MS,
      );
    linked = linked.filter((d) => !afterResource(d));
    if (linked.length === 0) continue;
    // A later deploy explains a change better than an earlier one.
    const claimed = linked.filter(
      (d) => !deploys.some((o) => o.time > deploy.time && d.start >= o.time - EARLY_MS),
    );
    if (claimed.length === 0) continue;
    const uid = `deploy:${deploy.id}`;
    const firstStart = Math.min(...claimed.map((d) => d.start));
    const delayMs = Math.max(0, firstStart - deploy.time);
    let severity = claimed[0]?.severity ?? "warning";
    for (const d of claimed) severity = maxSeverity(severity, d.severity);
    const metrics = [...new Set(claimed.map((d) => d.metric))];
    const ids = new Set(claimed.map((d) => d.uid));
    out = out.map((d) => (ids.has(d.uid) ? link(d, uid) : d));
    out.push({
      key: uid,
      uid,
      metric: "events",
      category: "deploy_regression",
      severity,
      anomaly: "deploy",
      start: deploy.time,
      end: Math.max(...claimed.map((d) => d.end)),
      evidence: {
        deploy_title: deploy.title,
        deploy_time: new Date(deploy.time).toISOString(),
        delay_min: Math.round(delayMs / 60_000),
        affected: metrics.join(", "),
        event_id: deploy.id,
      },
      summary: `"${deploy.title}" at ${formatTime(deploy.time, windowMs)} was followed ${formatDuration(delayMs)} later by ${byCategory(claimed)}: a likely deploy regression`,
      magnitude: Math.max(...claimed.map((d) => d.magnitude)),
      priority: PRIORITY.deploy,
      related: claimed.map((d) => d.uid ?? ""),
      // The deploy's trouble lasts as long as the longest of what followed it.
      state: claimed.some((d) => d.state !== "recovered") ? "ongoing" : "recovered",
      ...(claimed.every((d) => d.state === "recovered")
        ? { recovered_at: Math.max(...claimed.map((d) => d.recovered_at ?? d.end)) }
        : {}),
    });
  }
  return out;
}

/**
 * Links detections that describe the same trouble from different angles: the same category
 * at overlapping times on different sources (an error metric, the error logs, an error monitor).
 */
export function linkCoincident(detections: readonly Detection[], slackMs: number): Detection[] {
  let out = [...detections];
  for (const a of detections) {
    for (const b of detections) {
      if (a.uid === b.uid || a.key === b.key || a.category !== b.category) continue;
      if (a.severity === "info" || b.severity === "info") continue;
      if (a.start > b.end + slackMs || b.start > a.end + slackMs) continue;
      out = out.map((d) => (d.uid === a.uid && b.uid ? link(d, b.uid) : d));
    }
  }
  return out;
}
