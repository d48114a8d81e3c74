import type { Forecast } from "../analysis-result.js";
import { formatDuration, formatPoints, formatValue } from "../analysis/format-value.js";

const pct = (share: number): string => `${Math.round(share * 1000) / 10}%`;

/** "88.9%", or "5.66% left (94.3% used)" for a metric that measures what is left (usable memory). */
function usedNow(fc: Forecast): string {
  const now = formatValue(fc.current, fc.unit);
  return fc.low_is_bad
    ? `${now} left (${pct(fc.used_now)} used)`
    : `${now === pct(fc.used_now) ? now : `${now} (${pct(fc.used_now)} used)`}`;
}

/**
 * One line per bounded resource: where it is now and where its trend takes it. A rising trend
 * gives the time to its critical threshold and to full, flagged when that lies beyond the
 * window's horizon (a trend is trusted only as far ahead as the data looked back); otherwise
 * it says that no exhaustion is expected within that horizon.
 */
export function forecastLines(forecasts: readonly Forecast[]): string[] {
  return forecasts.map((fc) => {
    const horizonMs = fc.horizon_h * 3_600_000;
    const horizon = formatDuration(horizonMs);
    const head = `\`${fc.series}\` (${fc.resource}): ${usedNow(fc)} now`;
    const cite = fc.finding ? ` (${fc.finding})` : "";
    const threshold = pct(fc.threshold_used);
    const trend =
      fc.trend_pp_per_hour !== undefined ? `${formatPoints(fc.trend_pp_per_hour, "percent")}/h` : undefined;
    const toFull = fc.hours_to_full !== undefined ? formatDuration(fc.hours_to_full * 3_600_000) : undefined;
    const past =
      fc.used_now >= fc.threshold_used
        ? fc.threshold_used
        : fc.breached !== undefined
          ? fc.breached
          : undefined;
    if (past !== undefined && past >= fc.threshold_used) {
      const dipped = fc.used_now < past ? " (its latest reading dips under it)" : "";
      return `${head}, already past its ${threshold} threshold${dipped}${toFull ? `; full in ~${toFull} at ${trend ?? "the current trend"}` : ""}${cite}: add capacity now.`;
    }
    if (past !== undefined) {
      const next =
        fc.hours_to_threshold !== undefined
          ? `; at ${trend ?? "the current trend"} it reaches ${threshold} in ~${formatDuration(fc.hours_to_threshold * 3_600_000)}${toFull ? ` and is full in ~${toFull}` : ""}`
          : toFull
            ? `; full in ~${toFull} at ${trend ?? "the current trend"}`
            : "";
      return `${head}, past its ${pct(past)} warning threshold${next}${cite}: plan capacity now.`;
    }
    if (fc.hours_to_threshold !== undefined) {
      const when = formatDuration(fc.hours_to_threshold * 3_600_000);
      const within = fc.hours_to_threshold <= fc.horizon_h;
      const projection = `rising ${trend ?? ""}${trend ? ": " : ""}reaches ${threshold} in ~${when}${toFull ? ` and is full in ~${toFull}` : ""}${cite}`;
      return within
        ? `${head}, ${projection}: plan capacity before then.`
        : `${head}, ${projection} — beyond the ${horizon} this window covers, so no exhaustion is expected within that horizon; re-check with a longer window.`;
    }
    if (toFull !== undefined && (fc.trend_pp_per_hour ?? 0) > 0)
      return `${head}, rising ${trend}: full in ~${toFull}${cite}: plan capacity before then.`;
    const headroom = formatPoints((fc.threshold_used - fc.used_now) * 100, "percent").replace(/^\+/, "");
    const shape =
      trend === undefined
        ? "no steady trend"
        : `${(fc.trend_pp_per_hour ?? 0) > 0 ? "rising" : "falling"} ${trend}`;
    return `${head}, ${shape}: no exhaustion expected within the window's horizon (the next ${horizon}); ${headroom} of headroom to its ${threshold} threshold.`;
  });
}
