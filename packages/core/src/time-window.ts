import { spellQuestion } from "./planner/question-spelling.js";
import { parseAbsoluteRange } from "./time/absolute-time.js";

/** A closed time interval in epoch milliseconds, with the phrase it came from. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
  /**
   * Human form, e.g. "last 24 hours"; when the window differs from what was asked (clamped,
   * widened, carried over from an earlier question) it says so, e.g. "last 5 minutes (the
   * shortest window; asked for 1 minute)".
   */
  readonly label: string;
  /** Whether the question or the request named this window; false or absent for the default. */
  readonly explicit?: boolean;
  /** What was read into the question's time words or adjusted ("times without a zone were read as UTC"). */
  readonly notes?: readonly string[];
}

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const UNIT_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(s|sec|secs|second|seconds)$/, "s"],
  [/^(m|min|mins|minute|minutes)$/, "m"],
  [/^(h|hr|hrs|hour|hours)$/, "h"],
  [/^(d|day|days)$/, "d"],
  [/^(w|wk|wks|week|weeks)$/, "w"],
];

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  "forty-eight": 48,
  "forty eight": 48,
  few: 3,
  "a few": 3,
  several: 3,
  "couple of": 2,
  "a couple of": 2,
};

/** Shortest and longest windows we accept; Datadog's own limits are wider but answers degrade. */
export const MIN_WINDOW_MS = 5 * 60_000;
export const MAX_WINDOW_MS = 30 * 86_400_000;

function unitOf(word: string): string | undefined {
  const lower = word.toLowerCase();
  return UNIT_WORDS.find(([re]) => re.test(lower))?.[1];
}

/** Parses a compact duration such as "1h", "30m", "7d", "2w" into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = unitOf(match[2] ?? "");
  if (!unit) return undefined;
  return Math.round(Number(match[1]) * (UNIT_MS[unit] ?? 0));
}

/** The shortest window a request may ask for; shorter ones (and zero) are no window at all. */
export const MIN_REQUESTED_WINDOW_MS = 60_000;

/**
 * A window length as a request gives it (`options.timeframe`: "30m", "24h", "7d"), in
 * milliseconds, or undefined when it is no window: unparseable, zero or under a minute. Windows
 * between a minute and MIN_WINDOW_MS, or beyond MAX_WINDOW_MS, are accepted: `parseTimeframe`
 * clamps them and the window's label says so.
 */
export function parseWindowDuration(text: string): number | undefined {
  const ms = parseDuration(text);
  return ms !== undefined && Number.isFinite(ms) && ms >= MIN_REQUESTED_WINDOW_MS ? ms : undefined;
}

const UNIT_NAMES: Readonly<Record<string, string>> = {
  s: "second",
  m: "minute",
  h: "hour",
  d: "day",
  w: "week",
};

/** "1 minute", "30 seconds", "1.5 hours". */
function amountOf(count: number, unit: string): string {
  const name = UNIT_NAMES[unit] ?? unit;
  return `${count} ${name}${count === 1 ? "" : "s"}`;
}

function labelOf(count: number, unit: string): string {
  return count === 1 ? `last ${UNIT_NAMES[unit] ?? unit}` : `last ${amountOf(count, unit)}`;
}

/** "last 5 minutes", "last day", "last 36 hours". */
export function describeWindow(ms: number): string {
  const units: ReadonlyArray<readonly [number, string]> = [
    [604_800_000, "week"],
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
  ];
  for (const [size, name] of units) {
    // "last 24 hours" rather than "last day": days count from two on.
    if (name === "day" && ms < 2 * size) continue;
    if (ms % size === 0) {
      const n = ms / size;
      return n === 1 ? `last ${name}` : `last ${n} ${name}s`;
    }
  }
  return `last ${Math.round(ms / 60_000)} minutes`;
}

const COUNT_WORDS = Object.keys(NUMBER_WORDS)
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace(/ /g, "\\s+"))
  .join("|");
const RELATIVE = new RegExp(
  `\\b(?:last|past|previous|over the last|over the past|in the last|in the past|during the last|for the last|for the past)\\s+(\\d+(?:\\.\\d+)?|(?:${COUNT_WORDS})\\b)?\\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)\\b`,
  "i",
);
const COMPACT = /\b(\d+)\s*(m|h|d|w)\b/i;
const AGO = new RegExp(
  `\\b(\\d+(?:\\.\\d+)?|${COUNT_WORDS})\\s+(${UNIT_WORDS.map(([re]) => re.source.slice(2, -2)).join("|")})\\s+ago\\b`,
  "i",
);

/** A count as written: "3", "1.5", "a couple of"; none is one. */
function countOf(raw: string | undefined): number {
  if (raw === undefined) return 1;
  return /^\d/.test(raw) ? Number(raw) : (NUMBER_WORDS[raw.toLowerCase().replace(/\s+/g, " ")] ?? 1);
}

/**
 * Durations said in words, in the plain form the parsers read: "half an hour" is 30 minutes,
 * "an hour and a half" 90 minutes, "2 and a half days" 2.5 days, "a fortnight" 2 weeks.
 */
export function plainDurations(text: string): string {
  return text
    .replace(/\b(?:an?|one)\s+hour\s+and\s+a\s+half\b/gi, "90 minutes")
    .replace(/\b(?:an?|one)\s+and\s+a\s+half\s+hours?\b/gi, "90 minutes")
    .replace(
      /\b(\d+|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+and\s+a\s+half\s+(hours|days|weeks)\b/gi,
      (_, n: string, unit: string) => `${/^\d/.test(n) ? n : NUMBER_WORDS[n.toLowerCase()]}.5 ${unit}`,
    )
    .replace(/\b(?:a\s+)?half\s+(?:an\s+)?hour\b/gi, "30 minutes")
    .replace(/\b(?:a|one)\s+fortnight\b/gi, "2 weeks")
    .replace(/\b(last|past|previous)\s+fortnight\b/gi, "$1 2 weeks")
    .replace(/\bfortnight\b/gi, "2 weeks");
}

/** A duration the question asked for, in its own words ("30 seconds"), before any clamping. */
interface Asked {
  readonly ms: number;
  readonly amount: string;
  readonly label: string;
}

function askedFor(count: number, unitWord: string): Asked | undefined {
  const unit = unitOf(unitWord);
  if (!unit || !Number.isFinite(count)) return undefined;
  return {
    ms: Math.round(count * (UNIT_MS[unit] ?? 0)),
    amount: amountOf(count, unit),
    label: labelOf(count, unit),
  };
}

/**
 * Finds the time window a question asks about ("last 24 hours", "past 30m", "today",
 * "yesterday", "this week"), else uses `defaultTimeframe` (a duration such as "1h").
 * The result is clamped to [MIN_WINDOW_MS, MAX_WINDOW_MS] and always ends at or before `now`;
 * the label says when the window is not what was asked: clamped ("last 5 minutes (the shortest
 * window; asked for 1 minute)") or, for a zero length, the default instead.
 */
export function parseTimeframe(question: string, defaultTimeframe: string, now: number): TimeWindow {
  const text = plainDurations(spellQuestion(question));
  let asked: Asked | undefined;
  const absolute = parseAbsoluteRange(plainDurations(question), now);
  if (absolute) {
    const ms = absolute.end - absolute.start;
    // A range shorter than the shortest window is read with some time around it.
    const pad = ms < MIN_WINDOW_MS ? (MIN_WINDOW_MS - ms) / 2 : 0;
    return {
      start: absolute.start - pad,
      end: Math.min(now, absolute.end + pad),
      label: absolute.label,
      explicit: true,
      ...(absolute.notes.length > 0 ? { notes: absolute.notes } : {}),
    };
  }

  const rel = RELATIVE.exec(text);
  const ago = rel ? null : AGO.exec(text);
  if (rel) {
    asked = askedFor(countOf(rel[1]), rel[2] ?? "");
  } else if (ago) {
    // "2 hours ago": the moment asked about, with as much before it as after (an hour at least).
    const moment = askedFor(countOf(ago[1]), ago[2] ?? "");
    if (moment) {
      const ms = clamp(Math.max(2 * moment.ms, parseDuration(defaultTimeframe) ?? 3_600_000));
      return {
        start: now - ms,
        end: now,
        label: `${describeWindow(ms)} (around ${moment.amount} ago)`,
        explicit: true,
      };
    }
  } else if (/\byesterday\b/.test(text)) {
    const dayStart = Math.floor(now / 86_400_000) * 86_400_000;
    return { start: dayStart - 86_400_000, end: dayStart, label: "yesterday (UTC)", explicit: true };
  } else if (/\btoday\b/.test(text)) {
    const dayStart = Math.floor(now / 86_400_000) * 86_400_000;
    return { start: Math.min(dayStart, now - MIN_WINDOW_MS), end: now, label: "today (UTC)", explicit: true };
  } else if (/\bthis week\b/.test(text)) {
    asked = { ms: UNIT_MS.w ?? 0, amount: "this week", label: "last week" };
  } else if (/\b(overnight|last night)\b/.test(text)) {
    asked = { ms: 12 * 3_600_000, amount: "overnight", label: "last 12 hours" };
  } else {
    const compact = COMPACT.exec(text);
    if (compact) asked = askedFor(Number(compact[1]), compact[2] ?? "");
  }

  const fallback = parseDuration(defaultTimeframe) ?? 3_600_000;
  if (asked === undefined || !(asked.ms > 0)) {
    const ms = clamp(fallback > 0 ? fallback : 3_600_000);
    const label =
      asked === undefined
        ? describeWindow(ms)
        : `${describeWindow(ms)} (the default: "${asked.amount}" is no window)`;
    return { start: now - ms, end: now, label, explicit: false };
  }
  const ms = clamp(asked.ms);
  const label =
    ms === asked.ms
      ? asked.label
      : `${describeWindow(ms)} (the ${ms > asked.ms ? "shortest" : "longest"} window; asked for ${asked.amount})`;
  return { start: now - ms, end: now, label, explicit: true };
}

function clamp(ms: number): number {
  return Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, ms));
}
