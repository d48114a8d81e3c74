import type { Finding } from "../finding.js";

/** Series that went silent within this long of each other went silent together. */
const TOGETHER_MS = 120_000;

const anomaly = (f: Finding): unknown => f.evidence["anomaly"];

/**
 * The series that stopped reporting together with `f` (within two minutes of it), `f` first,
 * or just `f`. Several series falling silent at once are one event — the agent, the host or the
 * service itself stopped — and are told once, not series by series.
 */
export function silentWith(f: Finding, findings: readonly Finding[]): readonly Finding[] {
  if (anomaly(f) !== "nodata" || f.state === "recovered") return [f];
  const others = findings.filter(
    (o) =>
      o.id !== f.id &&
      anomaly(o) === "nodata" &&
      o.state !== "recovered" &&
      Math.abs(o.window.start - f.window.start) <= TOGETHER_MS,
  );
  return [f, ...others];
}

/** "a, b and c". */
export function listed(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
