/**
 * Units as Datadog names them (docs.datadoghq.com/metrics/units): a name of Datadog's unit list,
 * optionally per another ("request/second"). Written as a string everywhere data travels
 * (evidence, findings, the API), parsed here into a family and a scale so that values convert
 * and render the same way in every answer.
 */

export type UnitFamily =
  "time" | "bytes" | "bits" | "share" | "cpu" | "frequency" | "money" | "temperature" | "power" | "count";

export interface Unit {
  /** Datadog's unit name ("millisecond", "byte", "request"); "" for a plain number. */
  readonly name: string;
  readonly family: UnitFamily;
  /** Size in the family's base unit (second, byte, bit, core, hertz, dollar, a fraction of 1); 1 for counts. */
  readonly scale: number;
  /** What the value is per ("second" in request/second); absent for levels and counts per interval. */
  readonly per?: string;
}

const SCALED: Readonly<Record<string, readonly [UnitFamily, number]>> = {
  nanosecond: ["time", 1e-9],
  microsecond: ["time", 1e-6],
  millisecond: ["time", 1e-3],
  second: ["time", 1],
  minute: ["time", 60],
  hour: ["time", 3600],
  day: ["time", 86_400],
  week: ["time", 604_800],
  bit: ["bits", 1],
  kibibit: ["bits", 1024],
  mebibit: ["bits", 1024 ** 2],
  gibibit: ["bits", 1024 ** 3],
  byte: ["bytes", 1],
  kibibyte: ["bytes", 1024],
  mebibyte: ["bytes", 1024 ** 2],
  gibibyte: ["bytes", 1024 ** 3],
  tebibyte: ["bytes", 1024 ** 4],
  pebibyte: ["bytes", 1024 ** 5],
  exbibyte: ["bytes", 1024 ** 6],
  percent: ["share", 0.01],
  percent_nano: ["share", 1e-11],
  fraction: ["share", 1],
  nanocore: ["cpu", 1e-9],
  microcore: ["cpu", 1e-6],
  millicore: ["cpu", 1e-3],
  core: ["cpu", 1],
  kilocore: ["cpu", 1e3],
  hertz: ["frequency", 1],
  kilohertz: ["frequency", 1e3],
  megahertz: ["frequency", 1e6],
  gigahertz: ["frequency", 1e9],
  dollar: ["money", 1],
  cent: ["money", 0.01],
  microdollar: ["money", 1e-6],
  "degree celsius": ["temperature", 1],
  "decidegree celsius": ["temperature", 0.1],
  watt: ["power", 1],
  milliwatt: ["power", 1e-3],
  kilowatt: ["power", 1e3],
};

/** Spellings outside Datadog's list: plurals, abbreviations, and this project's older unit words. */
const ALIASES: Readonly<Record<string, string>> = {
  ns: "nanosecond",
  us: "microsecond",
  µs: "microsecond",
  ms: "millisecond",
  s: "second",
  sec: "second",
  secs: "second",
  seconds: "second",
  milliseconds: "millisecond",
  microseconds: "microsecond",
  nanoseconds: "nanosecond",
  minutes: "minute",
  min: "minute",
  hours: "hour",
  days: "day",
  b: "byte",
  bytes: "byte",
  kilobyte: "kibibyte",
  kilobytes: "kibibyte",
  kib: "kibibyte",
  megabyte: "mebibyte",
  megabytes: "mebibyte",
  mib: "mebibyte",
  gigabyte: "gibibyte",
  gib: "gibibyte",
  "%": "percent",
  pct: "percent",
  percentage: "percent",
  ratio: "fraction",
  cores: "core",
  nanocores: "nanocore",
  millicores: "millicore",
  // Older words of this project: a count per interval, or a plain number.
  count: "",
  number: "",
  unit: "",
};

/** Units whose values are a share of a whole, shown as %: percent (0–100) and fraction (0–1). */
export function isShare(unit: Unit | undefined): boolean {
  return unit !== undefined && unit.family === "share" && !unit.per;
}

function single(name: string): { name: string; family: UnitFamily; scale: number } {
  const text = name.trim().toLowerCase();
  const known = ALIASES[text] ?? text;
  const scaled = SCALED[known];
  if (scaled) return { name: known, family: scaled[0], scale: scaled[1] };
  // Every other name of Datadog's list counts things: requests, connections, evictions, messages…
  return { name: singular(known), family: "count", scale: 1 };
}

/** "requests" → "request": the source data spells some count units in the plural. */
function singular(word: string): string {
  if (word === "" || !/[a-z]s$/.test(word) || /(ss|us|is)$/.test(word)) return word;
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ches|shes|xes|sses)$/.test(word)) return word.slice(0, -2);
  return word.slice(0, -1);
}

/**
 * Parses "millisecond", "request/second", "byte" with per "second", or an older word of this
 * project ("seconds", "bytes", "rate"). Undefined for an absent or empty unit.
 */
export function parseUnit(text: string | undefined, per?: string): Unit | undefined {
  if (text === undefined && per === undefined) return undefined;
  const raw = (text ?? "").trim();
  if (raw.toLowerCase() === "rate") return { name: "", family: "count", scale: 1, per: "second" };
  const [numerator = "", slash] = raw.split("/");
  const perText = (per ?? slash ?? "").trim();
  const base = single(numerator);
  const perName = perText ? single(perText).name : undefined;
  if (base.name === "" && !perName && numerator.trim() === "" && text !== undefined) return undefined;
  return { ...base, ...(perName ? { per: perName } : {}) };
}

/** The unit as a string: "request/second", "millisecond", "" for a plain number. */
export function unitText(unit: Unit | undefined): string | undefined {
  if (!unit) return undefined;
  return unit.per ? `${unit.name}/${unit.per}` : unit.name;
}

/** How many seconds a per-unit stands for ("second" → 1, "minute" → 60); undefined when not a time. */
export function perSeconds(unit: Unit | undefined): number | undefined {
  if (!unit?.per) return undefined;
  const p = SCALED[unit.per];
  return p && p[0] === "time" ? p[1] : undefined;
}

/** Whether two units measure the same quantity (values convert by their scales). */
export function sameFamily(a: Unit | undefined, b: Unit | undefined): boolean {
  if (!a || !b) return false;
  if ((a.per ?? "") !== (b.per ?? "")) return false;
  if (a.family === "count")
    return b.family === "count" && (a.name === b.name || a.name === "" || b.name === "");
  return a.family === b.family;
}

/** A value of unit `from` in unit `to` (same family): 1500 millisecond → 1.5 second. */
export function convert(value: number, from: Unit, to: Unit): number {
  return (value * from.scale) / to.scale;
}
