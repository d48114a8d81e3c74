import {
  isShareUnit,
  toPoints,
  formatChange,
  formatDuration,
  formatRate,
  formatTime,
  formatValue,
  roundSig,
} from "../analysis/format-value.js";
import type { AnalysisResult } from "../analysis-result.js";
import type { Finding, FindingCategory } from "../finding.js";
import { silentWith } from "./silence.js";
import { isConsumedFlow } from "../analysis/zero-detections.js";

/** What a rule sees besides the finding: every finding (for correlations) and the window. */
interface RuleContext {
  readonly findings: readonly Finding[];
  readonly window: { readonly start: number; readonly end: number };
}

/** One line of the rule table: which findings it applies to and the advice, with their numbers. */
interface RecommendationRule {
  readonly id: string;
  readonly category: FindingCategory;
  readonly when?: (f: Finding, ctx: RuleContext) => boolean;
  readonly advice: (f: Finding, ctx: RuleContext) => string;
}

const num = (f: Finding, key: string): number | undefined => {
  const v = f.evidence[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
};
const str = (f: Finding, key: string): string | undefined => {
  const v = f.evidence[key];
  return typeof v === "string" ? v : undefined;
};
const value = (f: Finding, key: string): string => formatValue(num(f, key), str(f, "unit"));
const at = (f: Finding, ctx: RuleContext): string =>
  formatTime(f.window.start, ctx.window.end - ctx.window.start);
const change = (f: Finding): string => {
  const b = num(f, "baseline");
  const l = num(f, "level") ?? num(f, "peak");
  return b !== undefined && l !== undefined ? formatChange(b, l, str(f, "unit")).replace("n/a", "") : "";
};
/** A reading as a % used, when the finding's unit is a share (usable memory and idle CPU turned around). */
const sharePct = (f: Finding, value: number | undefined): number | undefined => {
  const unit = str(f, "unit");
  if (value === undefined || !isShareUnit(unit)) return undefined;
  const pct = toPoints(value, unit);
  return Math.round(str(f, "low_is_bad") === "yes" || f.metric.includes("usable") ? 100 - pct : pct);
};
/** The latest reading as a % used, when the finding's unit is a share. */
const usedNowPct = (f: Finding): number | undefined => sharePct(f, num(f, "current"));
/** " (N% used now)", or nothing when it is not known. */
const usedNowText = (f: Finding): string => {
  const now = usedNowPct(f);
  return now !== undefined ? ` (${now}% used now)` : "";
};
const windowHours = (ctx: RuleContext): number => (ctx.window.end - ctx.window.start) / 3_600_000;
/** Memory that climbed steadily within a window too short to tell a leak from load. */
const growingInShortWindow = (f: Finding, ctx: RuleContext): boolean => {
  const anomaly = str(f, "anomaly");
  const b = num(f, "baseline");
  const l = num(f, "level");
  // A breach reached by a drift carries the drift's numbers: memory use grew to get there.
  const drifted =
    anomaly === "threshold" &&
    b !== undefined &&
    l !== undefined &&
    (str(f, "low_is_bad") === "yes" ? l < b : l > b);
  return windowHours(ctx) < 12 && (anomaly === "ramp" || anomaly === "trend" || drifted);
};
const linkedTo = (f: Finding, ctx: RuleContext, category: FindingCategory): Finding | undefined =>
  ctx.findings.find((o) => o.category === category && (f.related ?? []).includes(o.id));
const usedPct = (f: Finding): number | undefined =>
  num(f, "used_pct") ?? sharePct(f, num(f, "level") ?? num(f, "current"));
/** "reached 93% used", or "is saturated" when the share is not known. */
const reached = (f: Finding, what: string): string => {
  const used = usedPct(f);
  return used !== undefined ? `${what} reached ${used}% used` : `${what} is saturated`;
};

/**
 * The rule table: advice keyed by finding category and context (a deploy just before, CPU
 * saturation alongside slow requests, a projected exhaustion), always with the finding's numbers.
 */
const RULES: readonly RecommendationRule[] = [
  ...(["latency", "errors", "traffic", "saturation"] as const).map((category): RecommendationRule => ({
    id: "history",
    category,
    when: (f) => str(f, "anomaly") === "history",
    advice: (f) =>
      `${f.metric} was already ${(num(f, "level") ?? 0) > (num(f, "baseline") ?? 0) ? "higher" : "lower"} than a week earlier when the window began (${value(f, "level")} against ${value(f, "baseline")}): ask again over the last 24 hours or 7 days to see when it changed, then check the deploys and config changes around that time.`,
  })),
  {
    id: "rollback",
    category: "deploy_regression",
    advice: (f) =>
      `Roll back "${str(f, "deploy_title") ?? "the last deploy"}" (or halt its rollout): ${str(f, "affected") ?? "errors"} changed ${num(f, "delay_min") ?? 0} min after it; then confirm they return to baseline.`,
  },
  {
    id: "errors-deploy",
    category: "errors",
    when: (f, ctx) => linkedTo(f, ctx, "deploy_regression") !== undefined,
    advice: (f, ctx) => {
      const deploy = linkedTo(f, ctx, "deploy_regression");
      return `Compare error logs before and after "${deploy ? (str(deploy, "deploy_title") ?? "the deploy") : "the deploy"}" to find the failing code path (${f.metric}: ${value(f, "baseline")} → ${value(f, "level")}).`;
    },
  },
  {
    id: "errors-message",
    category: "errors",
    when: (f) => str(f, "top_message") !== undefined,
    advice: (f) =>
      `Fix or mitigate the dominant error "${str(f, "top_message")}"${num(f, "top_message_count") !== undefined ? ` (${num(f, "top_message_count")} occurrences)` : ""}; check the dependency it names.`,
  },
  {
    id: "errors",
    category: "errors",
    advice: (f, ctx) => {
      const rate = num(f, "error_rate_pct");
      return `Investigate the errors on ${f.metric} since ${at(f, ctx)} (${value(f, "baseline")} → ${value(f, "level")}${rate !== undefined ? `, ${rate}% of requests` : ""}): check traces for the failing endpoint or dependency and any config change at that time.`;
    },
  },
  {
    id: "latency-cpu",
    category: "latency",
    when: (f, ctx) =>
      ctx.findings.some(
        (o) =>
          o.category === "saturation" &&
          o.kind === "cpu" &&
          o.window.start <= f.window.end &&
          f.window.start <= o.window.end,
      ),
    advice: (f) =>
      `Latency (${f.metric} ${change(f)}) rose while CPU saturated: relieve CPU first (scale out), then re-check latency.`,
  },
  {
    id: "latency",
    category: "latency",
    advice: (f, ctx) =>
      `Find the slow endpoint or dependency behind ${f.metric} (${value(f, "baseline")} → ${value(f, "level")}, ${change(f)}) in traces since ${at(f, ctx)}; check database and downstream latency.`,
  },
  {
    id: "cpu",
    category: "saturation",
    when: (f) => f.kind === "cpu",
    advice: (f) => {
      const peak = num(f, "peak");
      const used = usedPct(f) ?? 90;
      const extra = Math.max(10, Math.ceil((used / 70 - 1) * 100));
      const shown = peak !== undefined ? formatValue(peak, str(f, "unit")) : `${used}%`;
      return `Scale out: CPU peaked at ${shown} — add about ${extra}% more capacity (instances or CPU limit) to bring it under 70%, and profile the hot path if load did not grow.`;
    },
  },
  {
    id: "memory-growing",
    category: "saturation",
    when: (f, ctx) => f.kind === "memory" && growingInShortWindow(f, ctx),
    advice: (f, ctx) =>
      `Memory use on ${f.metric} grew steadily within this ${formatDuration(ctx.window.end - ctx.window.start)} window${usedNowText(f)}: ask again over the last 3 days to tell a leak from load — a leak grows without levelling off across restarts — and take a heap or allocation profile now; raising the memory limit only buys time.`,
  },
  {
    id: "memory",
    category: "saturation",
    when: (f) => f.kind === "memory",
    advice: (f) =>
      /^(redis|memcache)/.test(f.metric)
        ? `${reached(f, `The cache's memory (${f.metric})`)} of its limit: raise maxmemory (or the item limit) or add shards, and check which keys grow; at the limit it evicts keys or refuses writes.`
        : `${reached(f, `Memory on ${f.metric}`)}: raise the memory limit or scale out before the OOM killer does, and check whether it keeps growing.`,
  },
  {
    id: "pool",
    category: "saturation",
    when: (f) => /conn|pool|client/.test(f.metric),
    advice: (f) =>
      `${reached(f, `The connection pool (${f.metric})`)}: look for slow queries or leaked connections holding it, then raise the pool size or max connections if the load is real.`,
  },
  {
    id: "saturation",
    category: "saturation",
    advice: (f) =>
      `Add capacity for ${f.metric} (${value(f, "baseline")} → ${value(f, "level")}, ${change(f)}) or shed load; find what drives it.`,
  },
  {
    id: "leak",
    category: "memory_leak",
    advice: (f) => {
      const hours = num(f, "projected_exhaustion_h");
      const restart =
        hours !== undefined
          ? `schedule restarts every ~${formatDuration(Math.max(1, roundSig(hours / 2, 2)) * 3_600_000)}, before exhaustion in ~${formatDuration(hours * 3_600_000)}`
          : "schedule periodic restarts";
      return `Memory leak on ${f.metric} (${formatRate(num(f, "growth_per_hour"), str(f, "unit"))}): take a heap dump or allocation profile now to find what retains memory; as a stopgap ${restart}.`;
    },
  },
  {
    id: "disk",
    category: "capacity",
    advice: (f) => {
      const full = num(f, "projected_full_h") ?? num(f, "projected_exhaustion_h");
      const used = usedPct(f);
      return `Free or grow storage for ${f.metric}${used !== undefined ? `: ${used}% used` : ""}${full !== undefined ? `${used !== undefined ? "," : ":"} full in ~${formatDuration(full * 3_600_000)} at the current rate` : ""}; clean old logs and data or expand the volume before it reaches 95%.`;
    },
  },
  {
    id: "traffic-drop",
    category: "traffic",
    when: (f) => (num(f, "level") ?? 0) < (num(f, "baseline") ?? 0),
    advice: (f, ctx) =>
      `Traffic fell ${change(f)} since ${at(f, ctx)}: check load balancer health, DNS and upstream callers; confirm it is not a partial outage.`,
  },
  {
    id: "traffic-surge",
    category: "traffic",
    advice: (f) =>
      `Traffic rose ${change(f)}: confirm it is legitimate (retry storm, bot, campaign) and scale out or rate-limit accordingly.`,
  },
  {
    id: "outage",
    category: "availability",
    when: (f) => f.kind === "requests" && str(f, "anomaly") !== "nodata" && !isConsumedFlow(f.metric),
    advice: (f, ctx) =>
      `Treat this as an outage: ${f.metric} went to zero at ${at(f, ctx)}; check health checks, the load balancer and the last change.`,
  },
  {
    id: "zero",
    category: "availability",
    when: (f) => str(f, "anomaly") === "zero",
    advice: (f, ctx) =>
      `Bring back what serves: ${f.metric} fell to 0 at ${at(f, ctx)}; check the consumer or worker deployment (crashes, scaling to zero, lost broker connection) before adding capacity anywhere else.`,
  },
  {
    id: "nodata",
    category: "availability",
    when: (f) => str(f, "anomaly") === "nodata",
    advice: (f, ctx) => {
      const together = silentWith(f, ctx.findings);
      if (together.length === 1)
        return `${f.metric} stopped reporting at ${at(f, ctx)}: check the Datadog agent or integration, and whether the host or service is down.`;
      const names = together.slice(0, 4).map((s) => s.metric);
      const more = together.length > names.length ? ` and ${together.length - names.length} more` : "";
      return `${together.length} series stopped reporting together at ${at(f, ctx)} (${names.join(", ")}${more}): one reporter went silent — check whether the service or its host is down, then the Datadog agent there.`;
    },
  },
  {
    id: "flatline",
    category: "availability",
    when: (f) => str(f, "anomaly") === "flatline",
    advice: (f) =>
      `${f.metric} is stuck at ${value(f, "value")}: restart the reporter (agent, exporter) and verify the gauge's source.`,
  },
  {
    id: "monitor",
    category: "availability",
    advice: (f) =>
      f.metric === "monitors"
        ? `Follow the runbook of ${str(f, "monitor") !== undefined ? `monitor "${str(f, "monitor")}"` : "the alerting monitor"} (${str(f, "state") ?? "alerting"}).`
        : `Check ${f.metric}: ${f.summary}.`,
  },
];

/**
 * Advice for trouble that already ended: the imperative of the rule is for an ongoing problem,
 * so it is offered as prevention, after saying that it recovered and when.
 */
function recoveredAdvice(f: Finding, ctx: RuleContext, advice: string): string {
  const when =
    f.recovered_at !== undefined
      ? ` at ${formatTime(f.recovered_at, ctx.window.end - ctx.window.start)}`
      : "";
  if (f.category === "deploy_regression")
    return `The trouble after "${str(f, "deploy_title") ?? "the deploy"}" ended${when}: confirm whether it was rolled back or fixed before rolling it out again.`;
  return `It recovered${when} — to find the cause and prevent a repeat: ${advice.charAt(0).toLowerCase()}${advice.slice(1)}`;
}

/** Recommendations for the findings that warrant action, most important first, with the ids they rest on. */
export function recommendationsFor(
  analysis: AnalysisResult,
  window: { readonly start: number; readonly end: number },
  limit = 6,
): { readonly advice: string[]; readonly basis: string[] } {
  const ctx: RuleContext = { findings: analysis.findings, window };
  const advice: string[] = [];
  const basis: string[] = [];
  const used = new Set<string>();
  const byId = new Map(analysis.findings.map((f) => [f.id, f]));
  // Causes first: advice on a cause covers the symptoms it explains (relieve CPU, not "find the slow endpoint").
  const ordered = [...analysis.findings].sort(
    (a, b) => Number((a.caused_by ?? []).length > 0) - Number((b.caused_by ?? []).length > 0),
  );
  for (const f of ordered) {
    if (f.severity === "info" || advice.length >= limit) continue;
    const explained = (f.caused_by ?? []).some(
      (id) => basis.includes(id) || byId.get(id)?.severity !== "info",
    );
    if (explained && f.category !== "errors") continue;
    // Monitors echo metric findings; advise on them only when nothing else covers their category.
    if (
      f.metric === "monitors" &&
      analysis.findings.some(
        (o) => o.metric !== "monitors" && o.category === f.category && o.severity !== "info",
      )
    )
      continue;
    const candidates = RULES.filter(
      (r) =>
        (r.category === f.category || (f.metric === "monitors" && r.id === "monitor")) &&
        (r.when?.(f, ctx) ?? true),
    );
    const rule = f.metric === "monitors" ? RULES.find((r) => r.id === "monitor") : candidates[0];
    if (!rule) continue;
    const key =
      rule.id === "rollback"
        ? `${rule.id}|${str(f, "deploy_title") ?? ""}`
        : rule.id === "errors-deploy"
          ? rule.id
          : rule.id === "nodata"
            ? `${rule.id}|${silentWith(f, analysis.findings)
                .map((s) => s.id)
                .sort()
                .join(",")}`
            : `${rule.id}|${f.metric}`;
    if (used.has(key)) continue;
    used.add(key);
    advice.push(f.state === "recovered" ? recoveredAdvice(f, ctx, rule.advice(f, ctx)) : rule.advice(f, ctx));
    basis.push(f.id);
  }
  // A resource heading for its threshold within the window's horizon, with no finding that already advised on it.
  for (const fc of analysis.forecasts ?? []) {
    if (advice.length >= limit) break;
    // CPU does not run out: it saturates and recovers with load. Only what fills up gets a date.
    if (fc.resource === "CPU") continue;
    if (fc.hours_to_threshold === undefined || fc.hours_to_threshold > fc.horizon_h) continue;
    if (fc.used_now >= fc.threshold_used) continue;
    if (analysis.findings.some((f) => f.metric === fc.metric && f.severity !== "info")) continue;
    advice.push(
      `Plan capacity for ${fc.resource} (${fc.series}) within ~${formatDuration(fc.hours_to_threshold * 3_600_000)}: at ${formatRate(fc.trend_pp_per_hour, "percent")} it reaches ${Math.round(fc.threshold_used * 100)}% used by then.`,
    );
  }
  if (analysis.missing.length > 0) {
    advice.push(
      `Re-run the analysis once the missing reads are available (${analysis.missing.map((m) => m.split(":")[0]).join(", ")}); this answer does not cover them.`,
    );
  }
  if (advice.length === 0) advice.push("No action needed now; keep the existing monitors in place.");
  return { advice, basis };
}
