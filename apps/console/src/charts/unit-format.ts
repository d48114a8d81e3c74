import type { UnitFamily } from "../api/api-types";

/** A series' unit as the evidence gives it: Datadog's name, parsed by the API into family and scale. */
export interface SeriesUnit {
  readonly unit: string | null;
  readonly family: UnitFamily | null;
  readonly scale: number | null;
}

type Steps = ReadonlyArray<readonly [number, string]>;

const STEPS: Partial<Record<UnitFamily, Steps>> = {
  time: [
    [86_400, "d"],
    [3600, "h"],
    [60, "min"],
    [1, "s"],
    [1e-3, "ms"],
    [1e-6, "µs"],
    [1e-9, "ns"],
  ],
  bytes: [
    [1024 ** 4, "TiB"],
    [1024 ** 3, "GiB"],
    [1024 ** 2, "MiB"],
    [1024, "KiB"],
    [1, "B"],
  ],
  bits: [
    [1024 ** 3, "Gib"],
    [1024 ** 2, "Mib"],
    [1024, "Kib"],
    [1, "bit"],
  ],
  frequency: [
    [1e9, "GHz"],
    [1e6, "MHz"],
    [1e3, "kHz"],
    [1, "Hz"],
  ],
};

const SUFFIX: Partial<Record<UnitFamily, string>> = {
  cpu: " cores",
  temperature: " °C",
  power: " W",
};

const PER: Readonly<Record<string, string>> = { second: "/s", minute: "/min", hour: "/h", day: "/day" };

const ABBREVIATIONS: ReadonlyArray<readonly [number, number, string]> = [
  [1e12, 1e12, "T"],
  [1e9, 1e9, "G"],
  [1e6, 1e6, "M"],
  [1e4, 1e3, "k"],
];

/** At most three significant digits, thousands abbreviated: 0.000123, 12.3, 1,234, 56.7k, 3.2M. */
export function compact(value: number): string {
  if (!Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs === 0) return "0";
  for (const [from, divisor, suffix] of ABBREVIATIONS) {
    if (abs >= from) return `${Number((value / divisor).toPrecision(3))}${suffix}`;
  }
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  // Small values keep three significant digits, never in exponent notation.
  const decimals = Math.min(12, Math.max(0, 2 - Math.floor(Math.log10(abs))));
  return Number(value.toPrecision(3))
    .toFixed(decimals)
    .replace(/(\.\d*?)0+$/, "$1")
    .replace(/\.$/, "");
}

function perSuffix(unit: string | null): string {
  const per = unit?.split("/")[1]?.trim();
  return per ? (PER[per] ?? `/${per}`) : "";
}

function baseOf(value: number, u: SeriesUnit): number {
  return value * (u.scale ?? 1);
}

/** The step of a family that suits `reference` (the largest value shown). */
function stepFor(steps: Steps, reference: number): readonly [number, string] {
  const abs = Math.abs(reference);
  return steps.find(([size]) => abs >= size) ?? steps[steps.length - 1] ?? [1, ""];
}

/**
 * Formats `values` of one series for people, in one sub-unit chosen for the largest of them (so
 * an axis reads 0 ms, 200 ms, 400 ms rather than mixing ms and s): shares in %, times in s/ms,
 * bytes in KiB/MiB…, counts as numbers (the unit is on the axis label).
 */
export function formatValues(values: readonly number[], u: SeriesUnit): string[] {
  const per = perSuffix(u.unit);
  const family = u.family ?? "count";
  const bases = values.map((v) => baseOf(v, u));
  if (family === "share") return bases.map((b) => `${compact(b * 100)}%${per}`);
  if (family === "money") return bases.map((b) => `$${compact(b)}${per}`);
  const steps = STEPS[family];
  if (steps) {
    const reference = Math.max(0, ...bases.map((b) => Math.abs(b)));
    const [size, label] = stepFor(steps, reference);
    // Next to the largest value, a ten-thousandth of it is zero (512 B on a GiB axis).
    const zero = (b: number) => (Math.abs(b) < reference * 1e-4 ? 0 : b);
    return bases.map((b) => `${compact(zero(b) / size)} ${label}${per}`);
  }
  if (family === "count") return values.map((v) => compact(v));
  const suffix = SUFFIX[family] ?? "";
  return bases.map((b) => `${compact(b)}${suffix}${per}`);
}

/** One value with its unit, for legends, tooltips and tables: "421 ms", "93%", "74 errors". */
export function formatValue(value: number | null | undefined, u: SeriesUnit): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "no data";
  const [text = ""] = formatValues([value], u);
  return (u.family ?? "count") === "count" ? `${text} ${axisLabel(u)}` : text;
}

/** "error" → "errors", "entry" → "entries", "byte" stays countable: the unit names of Datadog's list. */
function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** The axis title: what the values are measured in, e.g. "seconds", "% of capacity", "errors/s". */
export function axisLabel(u: SeriesUnit): string {
  const per = perSuffix(u.unit);
  switch (u.family) {
    case "time":
      return `duration${per}`;
    case "share":
      return `%${per}`;
    case "bytes":
      return `bytes${per}`;
    case "bits":
      return `bits${per}`;
    case "cpu":
      return `cores${per}`;
    case "count":
    case null: {
      const name = u.unit?.split("/")[0]?.trim() ?? "";
      return name ? `${plural(name)}${per}` : `value${per}`;
    }
    default:
      return u.unit ?? "value";
  }
}
