/**
 * Absolute times and ranges in a question: ISO 8601 ("2025-03-02T14:00Z"), clock times with a
 * day ("yesterday 14:00–15:00 UTC", "between 2pm and 3pm on Tuesday", "since 09:30"), days
 * ("last Tuesday", "on March 3", "2025-03-02"), with UTC offsets ("+02:00", "UTC+2") or zone
 * names ("CET", "PST", "Europe/Berlin"). Times without a zone are UTC, and the window's label
 * says so. The result never reaches past `now`.
 */

import { UTC, fromLocal, zoneOf, type Zone } from "./zones.js";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

export interface AbsoluteRange {
  readonly start: number;
  readonly end: number;
  /** How the range reads back to the user, e.g. "2025-03-02 14:00–15:00 UTC". */
  readonly label: string;
  /** What in the question was not understood or was adjusted, for the answer's window line. */
  readonly notes: readonly string[];
}

/** A clock time "14:05", "2pm", "9:30 am" → minutes after midnight. */
function clockMinutes(text: string): number | undefined {
  const m = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/i.exec(text.trim());
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const half = m[3]?.toLowerCase();
  if (half === "pm" && hour < 12) hour += 12;
  if (half === "am" && hour === 12) hour = 0;
  if (hour > 24 || minute > 59 || (m[2] === undefined && half === undefined)) return undefined;
  return hour * 60 + minute;
}

const CLOCK = String.raw`\d{1,2}(?::\d{2})?\s*(?:am|pm)?`;
const CLOCK_STRICT = String.raw`(?:\d{1,2}:\d{2}\s*(?:am|pm)?|\d{1,2}\s*(?:am|pm))`;

/** A part of a day ("this morning", "Tuesday afternoon", "tonight") and its hours. */
const PART_OF_DAY = /\b(?:(?:this|yesterday|[a-z]+day)\s+)?(morning|afternoon|evening|tonight)\b/;
const PART_HOURS: Readonly<Record<string, readonly [number, number]>> = {
  morning: [6, 12],
  afternoon: [12, 18],
  evening: [18, 24],
  tonight: [18, 24],
};

interface Day {
  /** Local midnight of the day, in the zone's wall clock (as if it were UTC). */
  readonly localMidnight: number;
  readonly words: string;
}

/** The day a question names, relative to `now` in the zone: today, yesterday, a weekday, a date. */
function dayOf(text: string, now: number, zone: Zone): Day | undefined {
  const today = localToday(now, zone);
  const lower = text.toLowerCase();
  const iso = /\b(\d{4})-(\d{2})-(\d{2})\b/.exec(lower);
  if (iso) {
    const day = Date.UTC(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]));
    return { localMidnight: day, words: iso[0] };
  }
  const monthNames = MONTHS.map((m) => `${m.slice(0, 3)}(?:${m.slice(3)})?`).join("|");
  const named =
    new RegExp(`\\b(${monthNames})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b`).exec(lower) ??
    new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?(${monthNames})\\b`).exec(lower);
  if (named) {
    const monthText = /^\d/.test(named[1] ?? "") ? named[2] : named[1];
    const dayText = /^\d/.test(named[1] ?? "") ? named[1] : named[2];
    const month = MONTHS.findIndex((m) => m.startsWith((monthText ?? "").slice(0, 3)));
    const year = new Date(today).getUTCFullYear();
    let day = Date.UTC(year, month, Number(dayText));
    if (day > today) day = Date.UTC(year - 1, month, Number(dayText));
    return { localMidnight: day, words: named[0] };
  }
  if (/\byesterday\b/.test(lower)) return { localMidnight: today - DAY_MS, words: "yesterday" };
  if (/\b(today|this morning|this afternoon|this evening|tonight)\b/.test(lower))
    return { localMidnight: today, words: "today" };
  const weekday = new RegExp(`\\b(?:(last|on|this|past)\\s+)?(${WEEKDAYS.join("|")})\\b`).exec(lower);
  if (weekday) {
    const target = WEEKDAYS.indexOf(weekday[2] ?? "");
    const current = new Date(today).getUTCDay();
    let back = (current - target + 7) % 7;
    // "last Tuesday" on a Tuesday is a week ago; a bare "Tuesday" on a Tuesday is today.
    if (back === 0 && weekday[1] === "last") back = 7;
    return { localMidnight: today - back * DAY_MS, words: weekday[0] };
  }
  return undefined;
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

/** "2025-03-02 14:00–15:00 UTC" or "2025-03-01 22:00 → 2025-03-02 06:00 UTC". */
function rangeLabel(start: number, end: number): string {
  const a = stamp(start);
  const b = stamp(end);
  return a.slice(0, 10) === b.slice(0, 10) ? `${a}–${b.slice(11)} UTC` : `${a} → ${b} UTC`;
}

function finish(
  start: number,
  end: number,
  now: number,
  notes: string[],
  zone: Zone | undefined,
): AbsoluteRange | undefined {
  if (!(end > start)) return undefined;
  const clampedEnd = Math.min(end, now);
  if (clampedEnd <= start) {
    notes.push("the time asked for is in the future");
    return undefined;
  }
  if (clampedEnd < end) notes.push(`the range ends now (${stamp(now)} UTC), not in the future`);
  if (!zone) notes.push("times without a zone were read as UTC");
  else if (zone.name !== "UTC") notes.push(`times were read in ${zone.name} and are shown in UTC`);
  return { start, end: clampedEnd, label: rangeLabel(start, clampedEnd), notes };
}

/**
 * The absolute range a question names, or undefined when it names none. `notes` lists what was
 * read as UTC, clamped to now, or not understood.
 */
export function parseAbsoluteRange(question: string, now: number): AbsoluteRange | undefined {
  // Noon and midnight are clock times: "around noon", "since midnight".
  const text = question
    .replace(/[–—]/g, "-")
    .replace(/\b(?:noon|midday)\b/gi, "12:00")
    .replace(/\bmidnight\b/gi, "00:00");
  const lower = text.toLowerCase();
  const named = zoneOf(text);
  const zone = named ?? UTC;
  const notes: string[] = [];

  // Two ISO 8601 instants: "from 2025-03-02T14:00Z to 2025-03-02T15:00Z".
  const instants = [
    ...text.matchAll(/\b(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?/g),
  ];
  const instant = (m: RegExpMatchArray): number => {
    const offset = m[3];
    const local = Date.parse(`${m[1]}T${m[2]}Z`);
    if (offset === undefined) return fromLocal(local, zone);
    if (offset === "Z") return local;
    const o = /([+-])(\d{2}):?(\d{2})/.exec(offset);
    const sign = o?.[1] === "-" ? -1 : 1;
    return local - sign * (Number(o?.[2] ?? 0) * 60 + Number(o?.[3] ?? 0)) * 60_000;
  };
  const isoZoned = instants.some((m) => m[3] !== undefined);
  if (instants.length >= 2) {
    const [a, b] = [instant(instants[0] as RegExpMatchArray), instant(instants[1] as RegExpMatchArray)];
    return finish(Math.min(a, b), Math.max(a, b), now, notes, isoZoned ? UTC : named);
  }
  if (instants.length === 1 && /\b(since|after|from)\b/.test(lower)) {
    return finish(instant(instants[0] as RegExpMatchArray), now, now, notes, isoZoned ? UTC : named);
  }

  const day = dayOf(lower, now, zone);
  const between =
    new RegExp(`\\b(?:between|from)\\s+(${CLOCK})\\s+(?:and|to|until|till|-)\\s+(${CLOCK})`, "i").exec(
      lower,
    ) ?? new RegExp(`\\b(${CLOCK_STRICT})\\s*(?:-|to|until)\\s*(${CLOCK_STRICT})`, "i").exec(lower);
  if (between) {
    let to = clockMinutes(between[2] ?? "");
    // "between 1 and 2pm": a bare hour is a clock when the other end is one.
    const bare = /^\s*(\d{1,2})\s*$/.exec(between[1] ?? "");
    const from =
      clockMinutes(between[1] ?? "") ??
      (to !== undefined && bare && Number(bare[1]) <= 24 ? Number(bare[1]) * 60 : undefined);
    // "between 2 and 3pm": the second clock's half of the day holds for the first.
    if (from !== undefined && to !== undefined) {
      let fromMin = from;
      if (!/am|pm/.test(between[1] ?? "") && /pm/.test(between[2] ?? "") && fromMin < 12 * 60)
        fromMin += 12 * 60;
      const base = day?.localMidnight ?? latestDayEndingBefore(now, zone, to);
      if (to <= fromMin) to += 24 * 60;
      const start = fromLocal(base + fromMin * 60_000, zone);
      const end = fromLocal(base + to * 60_000, zone);
      return finish(start, end, now, notes, named);
    }
  }
  const since = new RegExp(`\\b(?:since|after|from)\\s+(${CLOCK})(?!\\s*(?:min|h|hour|day|week))`, "i").exec(
    lower,
  );
  if (since) {
    const at = clockMinutes(since[1] ?? "");
    if (at !== undefined) {
      const base = day?.localMidnight ?? latestDayEndingBefore(now, zone, at);
      return finish(fromLocal(base + at * 60_000, zone), now, now, notes, named);
    }
  }
  const at = new RegExp(`\\b(?:at|around)\\s+(${CLOCK_STRICT})`, "i").exec(lower);
  if (at) {
    const minutes = clockMinutes(at[1] ?? "");
    if (minutes !== undefined) {
      const base = day?.localMidnight ?? latestDayEndingBefore(now, zone, minutes);
      const center = fromLocal(base + minutes * 60_000, zone);
      notes.push(`an hour around ${stamp(center).slice(11)} UTC`);
      return finish(center - 30 * 60_000, center + 30 * 60_000, now, notes, named);
    }
  }
  const part = PART_OF_DAY.exec(lower);
  if (part && (day || /\b(?:this|tonight)\b/.test(part[0]))) {
    const [from, to] = PART_HOURS[part[1] ?? ""] ?? [0, 24];
    const base = day?.localMidnight ?? localToday(now, zone);
    notes.push(
      `"${part[0]}" read as ${String(from).padStart(2, "0")}:00–${String(to % 24).padStart(2, "0")}:00`,
    );
    return finish(
      fromLocal(base + from * HOUR_MS, zone),
      fromLocal(base + to * HOUR_MS, zone),
      now,
      notes,
      named,
    );
  }
  if (/\bweekend\b/.test(lower) && !day) {
    // The weekend now under way, else the last one: Saturday 00:00 to Monday 00:00.
    const today = localToday(now, zone);
    const saturday = today - ((new Date(today).getUTCDay() + 1) % 7) * DAY_MS;
    notes.push("the weekend read as Saturday 00:00 to Monday 00:00");
    return finish(fromLocal(saturday, zone), fromLocal(saturday + 2 * DAY_MS, zone), now, notes, named);
  }
  if (day && day.words !== "today") {
    const start = fromLocal(day.localMidnight, zone);
    // "since yesterday", "since Friday": from that day's start until now, not that day alone.
    const words = day.words.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const onward = new RegExp(
      `\\b(?:since|from)\\s+(?:on\\s+)?${words}\\b(?!\\s+(?:to|until|till|through)\\b)`,
    );
    const end = onward.test(lower) ? now : fromLocal(day.localMidnight + DAY_MS, zone);
    return finish(start, end, now, notes, named);
  }
  return undefined;
}

/** Local midnight of today in the zone. */
function localToday(now: number, zone: Zone): number {
  return Math.floor((now + zone.offsetAt(now)) / DAY_MS) * DAY_MS;
}

/** Local midnight of the latest day on which `minutes` after midnight is not in the future. */
function latestDayEndingBefore(now: number, zone: Zone, minutes: number): number {
  const today = localToday(now, zone);
  return today + minutes * 60_000 <= now + zone.offsetAt(now) ? today : today - DAY_MS;
}
