import type { Finding, FindingCategory, Severity } from "../finding.js";
import type { Intent } from "../plan.js";
import type { TimeWindow } from "../time-window.js";
import type { Detection } from "./detection.js";

const SEVERITY_SCORE: Readonly<Record<Severity, number>> = { critical: 0.55, warning: 0.35, info: 0.1 };

/** The categories that answer each kind of question first. */
const INTENT_CATEGORIES: Readonly<Record<Intent, readonly FindingCategory[]>> = {
  errors: ["errors", "deploy_regression", "availability"],
  performance: ["latency", "saturation", "traffic", "deploy_regression"],
  capacity: ["saturation", "capacity", "memory_leak"],
  health: [
    "errors",
    "latency",
    "availability",
    "saturation",
    "deploy_regression",
    "memory_leak",
    "capacity",
    "traffic",
  ],
};

/** Context findings (severity info) are kept to this many so they never crowd the answer. */
const MAX_INFO = 3;

function scoreOf(d: Detection, window: TimeWindow, intent: Intent): number {
  const windowMs = Math.max(1, window.end - window.start);
  const magnitude = 0.15 * Math.min(1, d.magnitude / 1.5);
  const age = Math.min(1, Math.max(0, (window.end - d.end) / windowMs));
  const recency = 0.12 * (1 - age);
  const relevance = INTENT_CATEGORIES[intent].includes(d.category) ? (intent === "health" ? 0.05 : 0.1) : 0;
  const corroborated = (d.related?.length ?? 0) > 0 ? 0.05 : 0;
  return (
    Math.round(
      Math.min(1, SEVERITY_SCORE[d.severity] + magnitude + recency + relevance + corroborated) * 1000,
    ) / 1000
  );
}

/** A detection's state; one without (a monitor, a window-long rate) holds while it reaches the window's end. */
function stateOf(d: Detection, window: TimeWindow): Pick<Finding, "state" | "recovered_at"> {
  if (d.state === "recovered")
    return { state: "recovered", ...(d.recovered_at !== undefined ? { recovered_at: d.recovered_at } : {}) };
  if (d.state === "ongoing") return { state: "ongoing" };
  const slack = Math.max(5 * 60_000, 0.02 * (window.end - window.start));
  return d.end >= window.end - slack ? { state: "ongoing" } : { state: "recovered", recovered_at: d.end };
}

/**
 * Scores detections (severity, size, recency, relevance to the question's intent, corroboration),
 * sorts them, caps context-only findings and names them F1, F2… in rank order, rewriting the
 * correlation links to those ids.
 */
export function rankFindings(
  detections: readonly Detection[],
  window: TimeWindow,
  intent: Intent,
): Finding[] {
  const scored = detections
    .map((d) => ({ d, score: scoreOf(d, window, intent) }))
    .sort(
      (a, b) =>
        b.score - a.score || b.d.end - a.d.end || a.d.key.localeCompare(b.d.key) || a.d.start - b.d.start,
    );
  let infos = 0;
  const kept = scored.filter(({ d }) => d.severity !== "info" || ++infos <= MAX_INFO);
  const ids = new Map<string, string>();
  kept.forEach(({ d }, i) => {
    if (d.uid) ids.set(d.uid, `F${i + 1}`);
  });
  return kept.map(({ d, score }, i) => {
    const related = (d.related ?? []).map((u) => ids.get(u)).filter((x): x is string => x !== undefined);
    const finding: Finding = {
      id: `F${i + 1}`,
      category: d.category,
      severity: d.severity,
      metric: d.metric,
      ...(d.kind !== undefined ? { kind: d.kind } : {}),
      window: { start: d.start, end: d.end },
      evidence: d.evidence,
      summary: d.summary,
      score,
      ...(related.length > 0 ? { related: [...new Set(related)].sort() } : {}),
      ...stateOf(d, window),
    };
    return finding;
  });
}
