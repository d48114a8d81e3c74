import type { Forecast } from "../analysis-result.js";
import type { Finding } from "../finding.js";
import type { PreparedSeries } from "./prepared-series.js";
import { roundSig } from "./format-value.js";
import { spearman, theilSen } from "./robust.js";
import { utilisationOf } from "./utilisation.js";

const HOUR_MS = 3_600_000;
/** A trend must move the used share by this much over the window, and consistently, to be projected. */
const MIN_TREND_CHANGE = 0.02;
const MIN_TREND_RHO = 0.5;

/**
 * Where a bounded resource is heading: its use now (the latest reading) and, when its used share
 * rises steadily across the window (Theil–Sen slope, rank correlation with time), the hours
 * until it reaches its critical threshold and until it is full. Undefined for unbounded series.
 */
export function forecastOf(p: PreparedSeries, windowMs: number): Forecast | undefined {
  const util = utilisationOf(p);
  const n = p.values.length;
  if (!util || n < 10) return undefined;
  const t0 = p.times[0] ?? 0;
  const xs = Array.from(p.times, (t) => (t - t0) / HOUR_MS);
  const used = Array.from(p.values, (v) => util.used(v));
  const current = p.values[n - 1] ?? 0;
  const usedNow = util.used(current);
  const { slope } = theilSen(xs, used);
  const span = xs[n - 1] ?? 0;
  const steady = Math.abs(spearman(xs, used)) >= MIN_TREND_RHO && Math.abs(slope * span) >= MIN_TREND_CHANGE;
  const rising = steady && slope > 0;
  const hoursTo = (target: number): number => roundSig(Math.max(0, (target - usedNow) / slope), 3);
  const unit = p.unit;
  return {
    series: p.label,
    metric: p.series.metric,
    resource: util.resource,
    ...(unit !== undefined ? { unit } : {}),
    current: roundSig(current, 4),
    used_now: roundSig(usedNow, 4),
    threshold_used: util.crit,
    ...(util.used(0) > util.used(1) ? { low_is_bad: true } : {}),
    ...(steady ? { trend_pp_per_hour: roundSig(slope * 100, 3) } : {}),
    ...(rising ? { hours_to_threshold: hoursTo(util.crit), hours_to_full: hoursTo(util.full) } : {}),
    horizon_h: roundSig(windowMs / HOUR_MS, 3),
  };
}

/** A finding's growth per hour as percentage points of use per hour, when its unit is a share. */
function usedPointsPerHour(f: Finding): number | undefined {
  const growth = f.evidence.growth_per_hour;
  if (typeof growth !== "number") return undefined;
  const scale = f.evidence.unit === "fraction" ? 100 : f.evidence.unit === "percent" ? 1 : undefined;
  if (scale === undefined) return undefined;
  return roundSig(growth * scale * (f.evidence.low_is_bad === "yes" ? -1 : 1), 3);
}

/**
 * Forecasts take what a finding on the same series already says — a leak's exhaustion, a
 * filling disk's time to full and its rate, a threshold held to the window's end — so the
 * answer gives one number for one fact.
 */
export function withFindingProjections(
  forecasts: readonly Forecast[],
  findings: readonly Finding[],
  window: { readonly start: number; readonly end: number },
): Forecast[] {
  const slack = Math.max(5 * 60_000, 0.02 * (window.end - window.start));
  return forecasts.map((fc) => {
    const own = findings.filter((x) => x.metric === fc.metric && x.severity !== "info");
    const projected = own.find(
      (x) => x.evidence.projected_exhaustion_h !== undefined || x.evidence.projected_full_h !== undefined,
    );
    const breach = own.find(
      (x) => x.evidence.threshold_level !== undefined && window.end - x.window.end <= slack,
    );
    let out: Forecast = fc;
    const breachedAt = Number(breach?.evidence.threshold_used_pct) / 100;
    if (breach && Number.isFinite(breachedAt)) out = { ...out, breached: breachedAt, finding: breach.id };
    if (!projected) return out;
    const full = Number(projected.evidence.projected_full_h ?? projected.evidence.projected_exhaustion_h);
    const toThreshold = projected.evidence.projected_threshold_h;
    const rate = usedPointsPerHour(projected);
    const { hours_to_threshold: ownToThreshold, trend_pp_per_hour: _trend, ...rest } = out;
    const threshold =
      typeof toThreshold === "number"
        ? toThreshold
        : ownToThreshold !== undefined
          ? Math.min(ownToThreshold, full)
          : undefined;
    return {
      ...rest,
      ...(rate !== undefined ? { trend_pp_per_hour: rate } : {}),
      hours_to_full: full,
      ...(threshold !== undefined && fc.used_now < fc.threshold_used
        ? { hours_to_threshold: threshold }
        : {}),
      finding: projected.id,
    };
  });
}
