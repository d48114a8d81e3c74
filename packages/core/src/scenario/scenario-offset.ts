import { parseDuration } from "../time-window.js";

/** "-2h" → -7_200_000; "0" and "end" → 0. */
export function offsetMs(offset: string): number {
  const text = offset.trim();
  if (text === "0" || text === "end") return 0;
  const ms = parseDuration(text.replace(/^-\s*/, ""));
  if (ms === undefined) throw new Error(`bad offset "${offset}"`);
  return -ms;
}
