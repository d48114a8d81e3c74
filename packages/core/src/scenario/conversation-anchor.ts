/** Rounds up to the next whole minute, so that reads within the same minute agree. */
export const nextWholeMinute = (now: number): number => Math.ceil(now / 60_000) * 60_000;

/**
 * How long a conversation keeps the demo's anchor. The demo's incidents sit up to 40 minutes
 * before it, so after 20 minutes they would leave the default hour: a question asked later
 * starts the story again, at its own time.
 */
export const CONVERSATION_HOLD_MS = 20 * 60_000;

/**
 * The demo's anchor (its "now", see docs/demo.md) for a question asked at `askedAt` in a
 * conversation whose anchor so far is `current`: kept while the question comes within `holdMs`
 * of it, so that two questions minutes apart see the same deploy at the same time; else, as for
 * a conversation's first question, the question's own time rounded up to the minute.
 */
export function conversationAnchor(
  current: number | undefined,
  askedAt: number,
  holdMs: number = CONVERSATION_HOLD_MS,
): number {
  return current !== undefined && askedAt - current <= holdMs ? current : nextWholeMinute(askedAt);
}
