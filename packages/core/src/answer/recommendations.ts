import {
  formatChange,
  formatDuration,
  formatRate,
  formatTime,
  formatValue,
  roundSig,
} from "../analysis/format-value.js";
import type { AnalysisResult } from "../analysis-result.js";
import type { Finding, FindingCategory } from "../finding.js";

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
/** The latest reading as a % used, when the finding's unit is a share. */
const usedNowPct = (f: Finding): number | undefined => {
  const current = num(f, "current");
  const unit = str(f, "unit");
  if (current === undefined || (unit !== "percent" && unit !== "fraction")) return undefined;
  const share = unit === "percent" ? current / 100 : current;
  return Math.round((str(f, "low_is_bad") === "yes" ? 1 - share : share) * 100);
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
const usedPct = (f: Finding): number | undefined => {
  const used = num(f, "used_pct");
  if (used !== undefined) return used;
  const level = num(f, "level") ?? num(f, "current");
  const unit = str(f, "unit");
  if (level === undefined) return undefined;
  if (unit === "percent") return Math.round(level);
  if (unit === "fraction")
    return Math.round(
      (str(f, "low_is_bad") === "yes" || f.metric.includes("usable") ? 1 - level : level) * 100,
    );
  return undefined;
};

/**
 * The rule table: advice keyed by finding category and context (a deploy just before, CPU
 * saturation alongside slow requests, a projected exhaustion), always with the finding's numbers.
 */
const RULES: readonly RecommendationRule[] = [
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
      `Fix or mitigate the dominant error "${str(f, "top_message")}" (${num(f, "top_message_count") ?? "?"} occurrences); check the dependency it names.`,
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
      const used = usedPct(f) ?? 90;
      const extra = Math.max(10, Math.ceil((used / 70 - 1) * 100));
      return `Scale out: CPU reached ${used}% — add about ${extra}% more capacity (instances or CPU limit) to bring it under 70%, and profile the hot path if load did not grow.`;
    },
  },
  {
    id: "memory-growing",
    category: "saturation",
    when: (f, ctx) => f.kind === "memory" && growingInShortWindow(f, ctx),
    advice: (f, ctx) =>
      `Memory use on ${f.metric} grew steadily within this ${formatDuration(ctx.window.end - ctx.window.start)} window (${usedNowPct(f) ?? usedPct(f) ?? "?"}% used now): ask again over the last 24 hours to tell a leak from load — a leak grows without levelling off across restarts — and take a heap or allocation profile now; raising the memory limit only buys time.`,
  },
  {
    id: "memory",
    category: "saturation",
    when: (f) => f.kind === "memory",
    advice: (f) =>
      `Memory reached ${usedPct(f) ?? "?"}% used on ${f.metric}${usedNowPct(f) !== undefined ? ` (${usedNowPct(f)}% now)` : ""}: raise the memory limit or scale out before the OOM killer does, and check whether it keeps growing.`,
  },
  {
    id: "pool",
    category: "saturation",
    when: (f) => /conn|pool|client/.test(f.metric),
    advice: (f) =>
      `The connection pool reached ${usedPct(f) ?? "?"}% of its limit${usedNowPct(f) !== undefined ? ` (${usedNowPct(f)}% now)` : ""}: raise the pool size or max connections, and look for slow queries or leaked connections.`,
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
      return `Free or grow storage for ${f.metric}: ${usedPct(f) ?? "?"}% used${full !== undefined ? `, full in ~${formatDuration(full * 3_600_000)} at the current rate` : ""}; clean old logs and data or expand the volume before it reaches 95%.`;
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
    when: (f) => f.kind === "requests" && str(f, "anomaly") !== "nodata",
    advice: (f, ctx) =>
      `Treat this as an outage: ${f.metric} went to zero at ${at(f, ctx)}; check health checks, the load balancer and the last change.`,
  },
  {
    id: "nodata",
    category: "availability",
    when: (f) => str(f, "anomaly") === "nodata",
    advice: (f, ctx) =>
      `${f.metric} stopped reporting at ${at(f, ctx)}: check the Datadog agent or integration, and whether the host or service is down.`,
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
        ? `Follow the runbook of monitor "${str(f, "monitor") ?? "?"}" (${str(f, "state") ?? "alerting"}).`
        : `Check ${f.metric}: ${f.summary}.`,
  },
];

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
  for (const f of analysis.findings) {
    if (f.severity === "info" || advice.length >= limit) continue;
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
          : `${rule.id}|${f.metric}`;
    if (used.has(key)) continue;
    used.add(key);
    advice.push(rule.advice(f, ctx));
    basis.push(f.id);
  }
  // A resource heading for its threshold within the window's horizon, with no finding that already advised on it.
  for (const fc of analysis.forecasts ?? []) {
    if (advice.length >= limit) break;
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
