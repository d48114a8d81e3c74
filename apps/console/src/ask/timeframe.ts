/** The window choices of the ask form; "question" lets the question (or the defaults) decide. */
export const TIMEFRAME_PRESETS = [
  { value: "question", label: "As the question says (default)" },
  { value: "15m", label: "Last 15 minutes" },
  { value: "1h", label: "Last hour" },
  { value: "4h", label: "Last 4 hours" },
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
  { value: "custom", label: "Custom range…" },
] as const;

export type TimeframeChoice = (typeof TIMEFRAME_PRESETS)[number]["value"];

export interface JobOptions {
  readonly timeframe?: string;
  readonly from?: string;
  readonly to?: string;
}

const DAY_MS = 86_400_000;

/**
 * The request's options for a choice; for a custom range, `from` and `to` are the values of
 * `datetime-local` inputs (the browser's local time), sent as UTC instants. Errors say what to fix,
 * as the API would (it checks again).
 */
export function timeframeOptions(
  choice: TimeframeChoice,
  from: string,
  to: string,
  now: number,
): { readonly options: JobOptions } | { readonly error: string; readonly field: "from" | "to" } {
  if (choice === "question") return { options: {} };
  if (choice !== "custom") return { options: { timeframe: choice } };
  if (!from) return { error: "Choose when the range starts.", field: "from" };
  if (!to) return { error: "Choose when the range ends.", field: "to" };
  const start = new Date(from).getTime();
  const end = new Date(to).getTime();
  if (!Number.isFinite(start)) return { error: "The start is not a date and time.", field: "from" };
  if (!Number.isFinite(end)) return { error: "The end is not a date and time.", field: "to" };
  if (start >= end) return { error: "The range must start before it ends.", field: "from" };
  if (end - start < 60_000) return { error: "The range must span at least a minute.", field: "to" };
  if (end - start > 30 * DAY_MS) return { error: "The range may span at most 30 days.", field: "from" };
  if (end > now + 60_000) return { error: "The range must not end in the future.", field: "to" };
  return { options: { from: new Date(start).toISOString(), to: new Date(end).toISOString() } };
}

/** A `datetime-local` value for an instant, in the browser's time zone. */
export function localInputValue(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
