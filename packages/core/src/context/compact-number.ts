const SUFFIXES: ReadonlyArray<readonly [number, string]> = [
  [1e12, "T"],
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
];

/**
 * A number in at most 3 significant digits, with an SI suffix for large magnitudes:
 * 12345 → "12.3k", 0.012345 → "0.0123", 0.0000123 → "1.23e-5", null → "-".
 */
export function compactNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "-";
  // Round first so 999.96 becomes 1000 and takes the "k" suffix.
  const rounded = Number(value.toPrecision(3));
  if (rounded === 0) return "0";
  const abs = Math.abs(rounded);
  for (const [size, suffix] of SUFFIXES) {
    if (abs >= size) return `${Number((rounded / size).toPrecision(3))}${suffix}`;
  }
  if (abs < 1e-3) return rounded.toExponential();
  return String(rounded);
}

/** Like compactNumber, with an explicit "+" on positive values (changes, slopes). */
export function signedCompactNumber(value: number | null | undefined): string {
  const text = compactNumber(value);
  return value !== null && value !== undefined && value > 0 && text !== "0" ? `+${text}` : text;
}
