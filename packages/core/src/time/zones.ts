/**
 * The time zone a question names — a UTC offset ("UTC+2", "GMT-05:00"), an IANA name
 * ("Europe/Berlin") or a common abbreviation ("CET", "PST") — and the conversion of a local
 * wall-clock time in it to a UTC instant.
 */

const HOUR_MS = 3_600_000;

/** Fixed offsets of common zone abbreviations, in hours. */
const ZONE_ABBREVIATIONS: Readonly<Record<string, number>> = {
  utc: 0,
  gmt: 0,
  z: 0,
  wet: 0,
  bst: 1,
  cet: 1,
  cest: 2,
  eet: 2,
  eest: 3,
  msk: 3,
  ist: 5.5,
  sgt: 8,
  hkt: 8,
  jst: 9,
  kst: 9,
  aest: 10,
  aedt: 11,
  nzst: 12,
  nzdt: 13,
  est: -5,
  edt: -4,
  cst: -6,
  cdt: -5,
  mst: -7,
  mdt: -6,
  pst: -8,
  pdt: -7,
  akst: -9,
  akdt: -8,
  hst: -10,
};

/** The zone a question names, as a function from a UTC instant to its offset in ms. */
export interface Zone {
  readonly name: string;
  readonly offsetAt: (utcMs: number) => number;
}

export const UTC: Zone = { name: "UTC", offsetAt: () => 0 };

function fixedZone(name: string, hours: number): Zone {
  return { name, offsetAt: () => hours * HOUR_MS };
}

/** The offset of an IANA zone at an instant, from the platform's time-zone data. */
function ianaZone(name: string): Zone | undefined {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: name,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    return undefined;
  }
  return {
    name,
    offsetAt: (utcMs) => {
      const parts = Object.fromEntries(format.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
      const local = Date.UTC(
        Number(parts.year),
        Number(parts.month) - 1,
        Number(parts.day),
        Number(parts.hour),
        Number(parts.minute),
        Number(parts.second),
      );
      return local - Math.floor(utcMs / 1000) * 1000;
    },
  };
}

export function zoneOf(text: string): Zone | undefined {
  const offset = /\b(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b/i.exec(text);
  if (offset) {
    const hours = Number(offset[2]) + Number(offset[3] ?? 0) / 60;
    return fixedZone(
      `UTC${offset[1]}${offset[2]}${offset[3] ? `:${offset[3]}` : ""}`,
      offset[1] === "-" ? -hours : hours,
    );
  }
  const iana = /\b([A-Z][a-z]+(?:_[A-Z][a-z]+)*\/[A-Z][A-Za-z_]+(?:\/[A-Z][A-Za-z_]+)?)\b/.exec(text);
  if (iana?.[1]) {
    const zone = ianaZone(iana[1]);
    if (zone) return zone;
  }
  for (const word of text.toLowerCase().match(/\b[a-z]{1,5}\b/g) ?? []) {
    const hours = ZONE_ABBREVIATIONS[word];
    if (hours !== undefined && word !== "z")
      return word === "utc" || word === "gmt" ? UTC : fixedZone(word.toUpperCase(), hours);
  }
  return undefined;
}

/** Local wall-clock time in a zone → the UTC instant (two passes for DST edges). */
export function fromLocal(localMs: number, zone: Zone): number {
  let utc = localMs - zone.offsetAt(localMs);
  utc = localMs - zone.offsetAt(utc);
  return utc;
}
