import { isShare, parseUnit, type Unit } from "./unit.js";

/**
 * Numbers and quantities for people, one way everywhere (answers, tables, context lines,
 * recommendations): at most three significant digits, never exponent notation, never NaN.
 */

/** Rounds to `digits` significant digits (no float noise like 0.30000000004). */
export function roundSig(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

/** [from, divisor, suffix]: thousands are written out up to 9,999, then abbreviated. */
const SUFFIXES: ReadonlyArray<readonly [number, number, string]> = [
  [1e12, 1e12, "T"],
  [1e9, 1e9, "G"],
  [1e6, 1e6, "M"],
  [1e4, 1e3, "k"],
];

/** 0.000012 → "0.000012", 1234 → "1,234", 56_700 → "56.7k", 3.2e9 → "3.2G"; "n/a" for no number. */
export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  const r = roundSig(value, digits);
  // Float noise around zero (5.55e-17 from a subtraction) is zero.
  if (r === 0 || Math.abs(r) < 1e-9) return "0";
  const abs = Math.abs(r);
  for (const [from, divisor, suffix] of SUFFIXES) {
    if (abs < from) continue;
    const scaled = roundSig(r / divisor, digits);
    // Beyond trillions nothing is abbreviated further: written out, never in exponent notation.
    return `${Math.abs(scaled) >= 1000 ? scaled.toLocaleString("en-US", { maximumFractionDigits: 0 }) : scaled}${suffix}`;
  }
  if (abs >= 1000) return r.toLocaleString("en-US", { maximumFractionDigits: 0 });
  // Small values keep their significant digits without an exponent: 1.23e-5 → "0.0000123".
  const decimals = Math.min(12, Math.max(0, digits - 1 - Math.floor(Math.log10(abs))));
  return r
    .toFixed(decimals)
    .replace(/(\.\d*?)0+$/, "$1")
    .replace(/\.$/, "");
}

const TIME_STEPS: ReadonlyArray<readonly [number, string]> = [
  [86_400, "days"],
  [3600, "h"],
  [60, "min"],
  [1, "s"],
  [1e-3, "ms"],
  [1e-6, "µs"],
  [1e-9, "ns"],
];
const BYTE_STEPS: ReadonlyArray<readonly [number, string]> = [
  [1024 ** 5, "PiB"],
  [1024 ** 4, "TiB"],
  [1024 ** 3, "GiB"],
  [1024 ** 2, "MiB"],
  [1024, "KiB"],
  [1, "B"],
];
const BIT_STEPS: ReadonlyArray<readonly [number, string]> = [
  [1024 ** 3, "Gib"],
  [1024 ** 2, "Mib"],
  [1024, "Kib"],
  [1, "bit"],
];
const HZ_STEPS: ReadonlyArray<readonly [number, string]> = [
  [1e9, "GHz"],
  [1e6, "MHz"],
  [1e3, "kHz"],
  [1, "Hz"],
];

function stepped(base: number, steps: ReadonlyArray<readonly [number, string]>, threshold = 1): string {
  const abs = Math.abs(base);
  const step = steps.find(([size]) => abs >= size * threshold) ?? steps[steps.length - 1];
  const [size, label] = step ?? [1, ""];
  return `${formatNumber(base / size)} ${label}`;
}

const PER: Readonly<Record<string, string>> = { second: "/s", minute: "/min", hour: "/h", day: "/day" };

function plural(word: string, value: number): string {
  if (word === "" || Math.abs(value) === 1) return word;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** A time span in seconds for people: "350 ms", "1.1 s", "90 s", "4.5 min", "3.2 days". */
export function formatSeconds(seconds: number): string {
  const abs = Math.abs(seconds);
  // A unit from two of it on: "90 s" reads better than "1.5 min", "36 h" better than "1.5 days".
  const [size, label] = TIME_STEPS.find(([size]) => (size >= 60 ? abs >= 2 * size : abs >= size)) ??
    TIME_STEPS[TIME_STEPS.length - 1] ?? [1, "s"];
  return `${formatNumber(seconds / size)} ${label}`;
}

/**
 * A value in its unit: "350 ms", "58%", "3.4 GiB", "1.2k requests/s", "0.35 cores", "12
 * connections". Shares are shown in percent whatever their scale (a 0.33 fraction is "33%").
 */
export function formatQuantity(value: number | null | undefined, unit: Unit | string | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  const u = typeof unit === "string" ? parseUnit(unit) : unit;
  if (!u) return formatNumber(value);
  const per = u.per ? (PER[u.per] ?? `/${u.per}`) : "";
  const base = value * u.scale;
  switch (u.family) {
    case "share":
      return `${formatNumber(base * 100)}%${per}`;
    case "time":
      return `${formatSeconds(base)}${per}`;
    case "bytes":
      return `${stepped(base, BYTE_STEPS)}${per}`;
    case "bits":
      return `${stepped(base, BIT_STEPS)}${per}`;
    case "cpu":
      return `${formatNumber(base)} ${Math.abs(roundSig(base)) === 1 ? "core" : "cores"}${per}`;
    case "frequency":
      return `${stepped(base, HZ_STEPS)}${per}`;
    case "money":
      return `$${formatNumber(base)}${per}`;
    case "temperature":
      return `${formatNumber(base)} °C${per}`;
    case "power":
      return `${formatNumber(base)} W${per}`;
    default: {
      const word = plural(u.name, roundSig(value));
      return `${formatNumber(value)}${word ? ` ${word}` : ""}${per}`;
    }
  }
}

/** Whether changes of values in this unit are percentage points rather than relative. */
export function changesInPoints(unit: Unit | string | undefined): boolean {
  return isShare(typeof unit === "string" ? parseUnit(unit) : unit);
}
