import type { ConversationMessage } from "@orch/core";
import type { ChatMessage } from "./chat-caller.js";

/** Characters kept of each history message: older turns matter, but not their full text. */
export const HISTORY_MESSAGE_CHARS = 1500;

/**
 * The last `limit` messages of a session as chat messages, each cut to `maxChars`. A trailing
 * copy of the current question (sessions may record it before the job runs) is left out.
 */
export function boundedHistory(
  history: readonly ConversationMessage[],
  question: string,
  limit: number,
  maxChars = HISTORY_MESSAGE_CHARS,
): ChatMessage[] {
  const last = history[history.length - 1];
  const prior =
    last && last.role === "user" && last.content.trim() === question.trim() ? history.slice(0, -1) : history;
  if (limit <= 0) return [];
  return prior.slice(-limit).map((m) => ({
    role: m.role,
    content: m.content.length > maxChars ? `${m.content.slice(0, maxChars - 1)}…` : m.content,
  }));
}
