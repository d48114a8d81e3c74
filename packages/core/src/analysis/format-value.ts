/** Rounds to a few significant digits for evidence and prose (no float noise like 0.30000000004). */
export function roundSig(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

const BYTE_UNITS: ReadonlyArray<readonly [number, string]> = [
  [1024 ** 4, "TiB"],
  [1024 ** 3, "GiB"],
  [1024 ** 2, "MiB"],
  [1024, "KiB"],
];

/** A value in its unit for people: "0.24 s", "58%", "3.4 GiB", "1.2k". */
export function formatValue(value: number | null | undefined, unit?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  switch (unit) {
    case "percent":
      return `${roundSig(value, 3)}%`;
    case "fraction":
      return `${roundSig(value * 100, 3)}%`;
    case "seconds":
      return Math.abs(value) < 1 ? `${roundSig(value * 1000, 3)} ms` : `${roundSig(value, 3)} s`;
    case "milliseconds":
      return `${roundSig(value, 3)} ms`;
    case "bytes": {
      const found = BYTE_UNITS.find(([size]) => Math.abs(value) >= size);
      return found ? `${roundSig(value / found[0], 3)} ${found[1]}` : `${roundSig(value, 3)} B`;
    }
    default: {
      const abs = Math.abs(value);
      if (abs >= 1e9) return `${roundSig(value / 1e9, 3)}G`;
      if (abs >= 1e6) return `${roundSig(value / 1e6, 3)}M`;
      if (abs >= 1e4) return `${roundSig(value / 1e3, 3)}k`;
      return `${roundSig(value, 3)}`;
    }
  }
}

/** "+160%" / "-35%". */
export function formatPct(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return "n/a";
  const r = Math.abs(pct) >= 100 ? Math.round(pct) : roundSig(pct, 2);
  return `${r > 0 ? "+" : ""}${r}%`;
}

/** "14:05 UTC", with the date ("03-09 14:05 UTC") when the window spans a day or more, so yesterday's 14:05 is not read as today's. */
export function formatTime(ms: number, windowMs: number): string {
  const iso = new Date(ms).toISOString();
  const hhmm = `${iso.slice(11, 16)} UTC`;
  return windowMs >= 86_400_000 ? `${iso.slice(5, 10)} ${hhmm}` : hhmm;
}

/** "35 min", "2.5 h", "3.1 days". */
export function formatDuration(ms: number): string {
  const min = ms / 60_000;
  if (min < 90) return `${Math.max(0, Math.round(min))} min`;
  const h = min / 60;
  if (h < 48) return `${roundSig(h, 2)} h`;
  return `${roundSig(h / 24, 2)} days`;
}

/** Whether values in this unit are shares of a whole (shown as %), whose changes are percentage points. */
export function isShareUnit(unit: string | undefined): boolean {
  return unit === "percent" || unit === "fraction";
}

/** A difference of two shares in percentage points: "+5.3 pp" (from a difference in the series' unit). */
export function formatPoints(diff: number | null | undefined, unit: string | undefined): string {
  if (diff === null || diff === undefined || !Number.isFinite(diff)) return "n/a";
  const pp = roundSig(unit === "fraction" ? diff * 100 : diff, 2);
  return `${pp > 0 ? "+" : ""}${pp} pp`;
}

/**
 * How much a value changed from `from` to `to`: in percentage points for shares ("-52 pp", not
 * "-90 %" of a percentage), else relative ("+149%").
 */
export function formatChange(from: number, to: number, unit: string | undefined): string {
  if (isShareUnit(unit)) return formatPoints(to - from, unit);
  return from !== 0 ? formatPct(((to - from) / Math.abs(from)) * 100) : "n/a";
}

/** A rate of change per hour: "-5.2 pp/h" for shares, "+238 MiB/h" or "+12/h" otherwise. */
export function formatRate(perHour: number | null | undefined, unit: string | undefined): string {
  if (perHour === null || perHour === undefined || !Number.isFinite(perHour)) return "n/a";
  if (isShareUnit(unit)) return `${formatPoints(perHour, unit)}/h`;
  return `${perHour > 0 ? "+" : ""}${formatValue(perHour, unit)}/h`;
}
