/** A closed time interval in epoch milliseconds, with the phrase it came from. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
  /** Human form, e.g. "last 24 hours". */
  readonly label: string;
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

const UNIT_NAMES: Readonly<Record<string, string>> = {
  s: "second",
  m: "minute",
  h: "hour",
  d: "day",
  w: "week",
};

function labelOf(count: number, unit: string): string {
  const name = UNIT_NAMES[unit] ?? unit;
  return count === 1 ? `last ${name}` : `last ${count} ${name}s`;
}

function describeDuration(ms: number): string {
  const units: ReadonlyArray<readonly [number, string]> = [
    [604_800_000, "week"],
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
  ];
  for (const [size, name] of units) {
    if (ms % size === 0) {
      const n = ms / size;
      return n === 1 ? `last ${name}` : `last ${n} ${name}s`;
    }
  }
  return `last ${Math.round(ms / 60_000)} minutes`;
}

const RELATIVE =
  /\b(?:last|past|previous|over the last|over the past|in the last|in the past|during the last|for the last|for the past)\s+(\d+(?:\.\d+)?|[a-z]+(?:[- ][a-z]+)?)?\s*(seconds?|secs?|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)\b/i;
const COMPACT = /\b(\d+)\s*(m|h|d|w)\b/i;

/**
 * Finds the time window a question asks about ("last 24 hours", "past 30m", "today",
 * "yesterday", "this week"), else uses `defaultTimeframe` (a duration such as "1h").
 * The result is clamped to [MIN_WINDOW_MS, MAX_WINDOW_MS] and always ends at or before `now`.
 */
export function parseTimeframe(question: string, defaultTimeframe: string, now: number): TimeWindow {
  const text = question.toLowerCase();
  let durationMs: number | undefined;
  let label: string | undefined;

  const rel = RELATIVE.exec(text);
  if (rel) {
    const rawCount = rel[1];
    const count =
      rawCount === undefined ? 1 : /^\d/.test(rawCount) ? Number(rawCount) : (NUMBER_WORDS[rawCount] ?? 1);
    const unit = unitOf(rel[2] ?? "");
    if (unit) {
      durationMs = count * (UNIT_MS[unit] ?? 0);
      label = labelOf(count, unit);
    }
  } else if (/\byesterday\b/.test(text)) {
    const dayStart = Math.floor(now / 86_400_000) * 86_400_000;
    return { start: dayStart - 86_400_000, end: dayStart, label: "yesterday (UTC)" };
  } else if (/\btoday\b/.test(text)) {
    const dayStart = Math.floor(now / 86_400_000) * 86_400_000;
    return { start: Math.min(dayStart, now - MIN_WINDOW_MS), end: now, label: "today (UTC)" };
  } else if (/\bthis week\b/.test(text)) {
    durationMs = UNIT_MS.w;
  } else if (/\b(overnight|last night)\b/.test(text)) {
    durationMs = 12 * 3_600_000;
  } else {
    const compact = COMPACT.exec(text);
    if (compact) {
      const unit = unitOf(compact[2] ?? "");
      if (unit) {
        durationMs = Number(compact[1]) * (UNIT_MS[unit] ?? 0);
        label = labelOf(Number(compact[1]), unit);
      }
    }
  }

  if (durationMs === undefined || !Number.isFinite(durationMs) || durationMs <= 0) {
    durationMs = parseDuration(defaultTimeframe) ?? 3_600_000;
  }
  const clamped = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, durationMs));
  if (clamped !== durationMs || label === undefined) label = describeDuration(clamped);
  return { start: now - clamped, end: now, label };
}
