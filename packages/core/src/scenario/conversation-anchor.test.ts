import { describe, expect, it } from "vitest";
import { CONVERSATION_HOLD_MS, conversationAnchor, nextWholeMinute } from "./conversation-anchor.js";

const at = (h: number, m: number, s = 0) => Date.UTC(2025, 2, 3, h, m, s);

describe("conversationAnchor", () => {
  it("anchors a conversation's first question at the next whole minute", () => {
    expect(conversationAnchor(undefined, at(3, 48, 20))).toBe(at(3, 49));
    expect(nextWholeMinute(at(3, 49))).toBe(at(3, 49));
  });

  it("keeps the conversation's anchor for a follow-up two minutes later", () => {
    expect(conversationAnchor(at(3, 49), at(3, 50, 40))).toBe(at(3, 49));
  });

  it("keeps it up to the hold, and starts the story again at a question asked after it", () => {
    expect(conversationAnchor(at(3, 49), at(3, 49) + CONVERSATION_HOLD_MS)).toBe(at(3, 49));
    expect(conversationAnchor(at(3, 49), at(4, 9, 30))).toBe(at(4, 10));
  });

  it("keeps it for a question asked just before it (a job planned after a later one)", () => {
    expect(conversationAnchor(at(3, 49), at(3, 48, 5))).toBe(at(3, 49));
  });
});
