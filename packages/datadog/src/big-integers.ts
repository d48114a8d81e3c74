/**
 * An object member whose value is an integer literal of 16 digits or more. A JSON string cannot
 * hold an unescaped quote, so `{` or `,` then `"key":` only ever matches a real member.
 */
const LONG_INTEGER_MEMBER = /([{,]\s*"[^"\\]*"\s*:\s*)(-?\d{16,})(?=\s*[,}])/g;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * JSON text with every integer member beyond 2^53 turned into a string, so that parsing keeps
 * its digits. Datadog's event ids are int64s sent as bare numbers (the v1 events list sends no
 * `id_str`); `JSON.parse` would round 5392096511175887101 to 5392096511175887000.
 */
export function quoteBigIntegers(text: string): string {
  return text.replace(LONG_INTEGER_MEMBER, (whole, member: string, digits: string) => {
    const magnitude = BigInt(digits.startsWith("-") ? digits.slice(1) : digits);
    return magnitude > MAX_SAFE ? `${member}"${digits}"` : whole;
  });
}
