/**
 * A number written exactly as given: Datadog sends timestamps as floats (`1623846300000.0`)
 * and int64 ids beyond 2^53 (`5392096511175887101`), neither of which JSON.stringify can write.
 */
export class RawNumber {
  constructor(readonly text: string) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a JSON number: ${text}`);
  }
}

/** A timestamp in epoch ms written as Datadog's query API writes it, as a float. */
export const floatMs = (ms: number): RawNumber => new RawNumber(`${Math.round(ms)}.0`);

const MARK = "\u0000raw:";

/** JSON text of `value`, with every RawNumber written as its text. */
export function wireJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawNumber ? `${MARK}${v.text}` : v));
  // JSON.stringify escapes the NUL of the mark as \u0000, so the quoted mark is unambiguous.
  return text.replace(/"\\u0000raw:(-?\d+(?:\.\d+)?)"/g, "$1");
}
