import type { SeriesHistory } from "./history.js";
import type { Series } from "../evidence.js";
import type { TimeWindow } from "../time-window.js";
import type { Detection } from "./detection.js";
import { PRIORITY, maxSeverity } from "./detection.js";
import { classifyMetric } from "../metric-catalog.js";
import { parseUnit, perSeconds } from "../units/unit.js";

function labelOf(s: Series): string {
  return s.group.length > 0 ? `${s.metric}{${s.group.join(",")}}` : s.metric;
}

function sumIn(series: Series, from: number, to: number, inside: boolean): [number, Set<number>] {
  let sum = 0;
  const times = new Set<number>();
  for (const [t, v] of series.points) {
    if (v === null || !Number.isFinite(v)) continue;
    if (t >= from && t <= to ? inside : !inside) {
      sum += v;
      times.add(t);
    }
  }
  return [sum, times];
}

function rate(
  errors: Series,
  requests: Series,
  from: number,
  to: number,
  inside: boolean,
): number | undefined {
  const [, times] = sumIn(errors, from, to, inside);
  // Both as events per second: a count per interval ("5xx_count") and a rate ("request_per_s") differ by the interval.
  const errorScale = perSecondScale(errors);
  const requestScale = perSecondScale(requests);
  if (errorScale === undefined || requestScale === undefined) return undefined;
  let e = 0;
  let r = 0;
  const req = new Map<number, number>();
  for (const [t, v] of requests.points) if (v !== null && Number.isFinite(v)) req.set(t, v);
  for (const [t, v] of errors.points) {
    if (v === null || !times.has(t)) continue;
    const q = req.get(t);
    if (q === undefined) continue;
    e += v * errorScale;
    r += q * requestScale;
  }
  // A share of requests, at most all of them: more errors than requests means the two do not count the same thing.
  return r > 0 && e <= r * 1.05 ? Math.min(1, e / r) : undefined;
}

/**
 * The factor that turns a series' values into events per second: 1 for a rate, 1/interval for a
 * count per interval; undefined for a gauge of a count with no time unit ("responses"): Datadog
 * averages a gauge over the interval, so it is no count per interval, and nothing says per what.
 */
function perSecondScale(s: Series): number | undefined {
  const unit = parseUnit(
    s.source_unit
      ? `${s.source_unit.name}${s.source_unit.per ? `/${s.source_unit.per}` : ""}`
      : (s.unit ?? classifyMetric(s.metric)?.unit),
  );
  const per = perSeconds(unit);
  if (per !== undefined) return 1 / per;
  const gauge = classifyMetric(s.metric)?.type === "gauge" && !s.query.includes(".as_count()") && !s.derived;
  return gauge ? undefined : 1 / Math.max(1, s.interval_s);
}

function kindOf(s: Series): string | undefined {
  return s.kind ?? classifyMetric(s.metric)?.kind;
}

const tokens = (metric: string): string[] => metric.toLowerCase().split(/[._]/).filter(Boolean);

/**
 * The requests that `errs` counts failures of, in the same group: the requests series of the
 * same namespace sharing the most leading name parts ("trace.flask.request.errors" with
 * "trace.flask.request.hits", "envoy.http.downstream_rq_5xx" with "envoy.http.downstream_rq_total").
 * A failure count of another namespace (operator failures, probe failures, a broker's delayed
 * requests) counts something else: it is no share of the service's requests.
 */
function requestsOf(errs: Series, requests: readonly Series[]): Series | undefined {
  const group = errs.group.join(",");
  const own = tokens(errs.metric);
  let best: { series: Series; shared: number } | undefined;
  for (const r of requests) {
    if (r.group.join(",") !== group) continue;
    const other = tokens(r.metric);
    let shared = 0;
    while (shared < Math.min(own.length, other.length) && own[shared] === other[shared]) shared++;
    if (!best || shared > best.shared) best = { series: r, shared };
  }
  if (!best) return undefined;
  return best.shared > 0 ? best.series : undefined;
}

/** The error rate a day or a week before the window, when history of both series was read. */
function usualRate(
  errors: SeriesHistory | undefined,
  requests: SeriesHistory | undefined,
  window: TimeWindow,
): { rate: number; shift: "day" | "week"; when: string } | undefined {
  for (const shift of ["week", "day"] as const) {
    const e = errors?.[shift];
    const r = requests?.[shift];
    if (!e || !r) continue;
    const past = rate(e, r, window.start, window.end, true);
    if (past !== undefined)
      return { rate: past, shift, when: shift === "week" ? "a week earlier" : "a day earlier" };
  }
  return undefined;
}

/**
 * Error rate = errors / requests where both series exist for the same group. Error findings
 * get the rate during and before the anomaly; a rate of 5 % or more is critical, one under
 * 0.5 % caps the finding at warning, and one no higher than before (errors rising with traffic)
 * makes it context. A high rate all window long, with no change to detect,
 * becomes a finding of its own.
 */
export function withErrorRates(
  detections: readonly Detection[],
  series: readonly Series[],
  window: TimeWindow,
  historyOf: (s: Series) => SeriesHistory | undefined = () => undefined,
  /** The question asks about errors: a chronic rate is still its answer, said to be chronic. */
  errorsAsked = false,
): Detection[] {
  const requests = series.filter((s) => kindOf(s) === "requests");
  const out: Detection[] = [];
  const explained = new Set<string>();
  for (const d of detections) {
    const errs = d.category === "errors" ? series.find((s) => labelOf(s) === d.key) : undefined;
    const req = errs ? requestsOf(errs, requests) : undefined;
    if (!errs || !req) {
      out.push(d);
      continue;
    }
    explained.add(labelOf(errs));
    const during = rate(errs, req, d.start, d.end, true);
    const before = rate(errs, req, d.start, d.end, false);
    if (during === undefined) {
      out.push(d);
      continue;
    }
    let severity = d.severity;
    // More errors at the same error rate is more traffic, not a new fault: context only.
    const withTraffic = during < 0.05 && before !== undefined && before > 0 && during <= 1.5 * before;
    if (withTraffic) severity = "info";
    else if (during >= 0.05) severity = maxSeverity(severity, "critical");
    else if (during < 0.005 && severity === "critical") severity = "warning";
    out.push({
      ...d,
      severity,
      evidence: {
        ...d.evidence,
        error_rate_pct: Math.round(during * 10_000) / 100,
        ...(before !== undefined ? { baseline_error_rate_pct: Math.round(before * 10_000) / 100 } : {}),
      },
      summary: `${d.summary}; error rate ${(during * 100).toFixed(2)}%${before !== undefined ? ` vs ${(before * 100).toFixed(2)}% before` : ""}${withTraffic ? ": errors grew with traffic, not as a share of it" : ""}`,
    });
  }
  for (const errs of series.filter((s) => kindOf(s) === "errors" && !explained.has(labelOf(s)))) {
    const req = requestsOf(errs, requests);
    if (!req) continue;
    const overall = rate(errs, req, window.start, window.end, true);
    if (overall === undefined || overall < 0.05) continue;
    const usual = usualRate(historyOf(errs), historyOf(req), window);
    const chronic = usual !== undefined && usual.rate >= 0.7 * overall;
    const pct = (r: number) => Math.round(r * 10_000) / 100;
    const failed = `${labelOf(errs)}: ${(overall * 100).toFixed(1)}% of requests failed across the whole window`;
    const as = usual ? `as ${(usual.rate * 100).toFixed(1)}% did ${usual.when}` : "";
    // As many failed a day or a week earlier: the service's usual rate, context unless errors are asked about.
    const context = chronic && !errorsAsked;
    out.push({
      key: labelOf(errs),
      metric: errs.metric,
      kind: "errors",
      category: "errors",
      severity: context ? "info" : overall >= 0.1 ? "critical" : "warning",
      anomaly: "error_rate",
      start: window.start,
      end: window.end,
      evidence: {
        anomaly: "error_rate",
        error_rate_pct: pct(overall),
        threshold_pct: 5,
        ...(usual ? { usual: usual.when, [`${usual.shift}_before_error_rate_pct`]: pct(usual.rate) } : {}),
      },
      summary: context
        ? `${failed}, ${as}: the service's usual error rate, not an incident`
        : `${failed}, above the 5% threshold${chronic ? `, ${as}: a chronic fault, not a new one` : ""}`,
      magnitude: context ? 0 : Math.log(overall / 0.05 + 1),
      priority: PRIORITY.error_rate,
    });
  }
  return out;
}
