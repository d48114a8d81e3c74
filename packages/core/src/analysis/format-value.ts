import { formatNumber, formatQuantity, roundSig } from "../units/format-quantity.js";
import { isShare, parseUnit } from "../units/unit.js";

export { roundSig } from "../units/format-quantity.js";

/** A value in its unit for people: "0.24 s", "58%", "3.4 GiB", "1.2k requests/s" (see formatQuantity). */
export function formatValue(value: number | null | undefined, unit?: string): string {
  return formatQuantity(value, unit);
}

/** "+160%" / "-35%"; past +1000 % a multiple reads better: "×41". */
export function formatPct(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return "n/a";
  if (pct >= 1000) return `×${formatNumber(1 + pct / 100, 2)}`;
  if (Math.abs(pct) < 0.05) return "0%";
  const r = Math.abs(pct) >= 100 ? Math.round(pct) : roundSig(pct, 2);
  return `${r > 0 ? "+" : ""}${r}%`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * "14:05 UTC", with the date ("Mar 9 14:05 UTC") when the window spans a day or more, so
 * yesterday's 14:05 is not read as today's, and the year too ("Mar 9 2024 14:05 UTC") when it
 * lies outside the reference's year.
 */
export function formatTime(ms: number, windowMs: number, reference = ms): string {
  const d = new Date(ms);
  const hhmm = `${d.toISOString().slice(11, 16)} UTC`;
  const otherYear = d.getUTCFullYear() !== new Date(reference).getUTCFullYear();
  if (windowMs < 86_400_000 && !otherYear) return hhmm;
  const day = `${MONTHS[d.getUTCMonth()] ?? ""} ${d.getUTCDate()}`;
  return `${day}${otherYear ? ` ${d.getUTCFullYear()}` : ""} ${hhmm}`;
}

/** "40 s", "35 min", "2.5 h", "3.1 days". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s`;
  const min = ms / 60_000;
  if (min < 90) return `${Math.max(0, Math.round(min))} min`;
  const h = min / 60;
  if (h < 48) return `${roundSig(h, 2)} h`;
  return `${roundSig(h / 24, 2)} days`;
}

/** Whether values in this unit are shares of a whole (shown as %), whose changes are percentage points. */
export function isShareUnit(unit: string | undefined): boolean {
  return isShare(parseUnit(unit));
}

/** A difference of two values of a share unit in percentage points (0.05 of a fraction → 5). */
export function toPoints(diff: number, unit: string | undefined): number {
  const u = parseUnit(unit);
  return isShare(u) && u ? diff * u.scale * 100 : diff;
}

/** A difference of two shares in percentage points: "+5.3 pp" (from a difference in the series' unit). */
export function formatPoints(diff: number | null | undefined, unit: string | undefined): string {
  if (diff === null || diff === undefined || !Number.isFinite(diff)) return "n/a";
  const raw = toPoints(diff, unit);
  // Under a twentieth of a point is no change worth a number.
  const pp = Math.abs(raw) < 0.05 ? 0 : roundSig(raw, 2);
  return `${pp > 0 ? "+" : ""}${pp} pp`;
}

/**
 * How much a value changed from `from` to `to`: in percentage points for shares ("-52 pp", not
 * "-90 %" of a percentage), else relative ("+149%").
 */
export function formatChange(from: number, to: number, unit: string | undefined): string {
  if (isShareUnit(unit)) return formatPoints(to - from, unit);
  // From about zero a relative change means nothing: say where it went instead.
  if (Math.abs(from) < 1e-9 * Math.max(1, Math.abs(to))) return `from 0 to ${formatValue(to, unit)}`;
  return formatPct(((to - from) / Math.abs(from)) * 100);
}

/** A rate of change per hour: "-5.2 pp/h" for shares, "+238 MiB/h" or "+12/h" otherwise. */
export function formatRate(perHour: number | null | undefined, unit: string | undefined): string {
  if (perHour === null || perHour === undefined || !Number.isFinite(perHour)) return "n/a";
  if (isShareUnit(unit)) return `${formatPoints(perHour, unit)}/h`;
  return `${perHour > 0 ? "+" : ""}${formatValue(perHour, unit)}/h`;
}
