import { describe, expect, it } from "vitest";
import { readQuestion, spellQuestion } from "./question-spelling.js";

describe("spellQuestion", () => {
  it.each([
    ["Why is memmory growing?", "why is memory growing?"],
    ["latnecy spike on checkout", "latency spike on checkout"],
    ["erors since the deploy", "errors since the deploy"],
    ["is the queue backlgo draining", "is the queue backlog draining"],
    ["what happend in the last 30 mintues", "what happened in the last 30 minutes"],
    ["wihch zone is failing", "which zone is failing"],
    ["why is it timnig out", "why is it timing out"],
  ])("corrects the slips of a fast typist: %s", (typed, read) => {
    expect(spellQuestion(typed)).toBe(read);
  });

  it.each([
    "Are the reads stale?",
    "How many deploys today?",
    "Is each request slow?",
    "Why are the hosts busy?",
    "errors on memroy-api after v2.3",
    "what does memroy.rss say",
  ])("leaves real words, plurals and names alone: %s", (question) => {
    expect(spellQuestion(question)).toBe(question.toLowerCase());
  });

  it("leaves short words and ambiguous slips alone", () => {
    expect(spellQuestion("is cpu hgih")).toBe("is cpu hgih");
  });
});

describe("readQuestion", () => {
  it("reads a quoted metric name's parts as words", () => {
    expect(readQuestion("why does mongodb.mem.resident keep going up")).toBe(
      "why does mongodb mem resident keep going up",
    );
    expect(readQuestion("is process_memory_bytes leaking")).toBe("is process memory bytes leaking");
  });
});

describe("everyday words a slip away from the vocabulary", () => {
  it("are left as they are: 'were' is no misspelt 'where'", () => {
    expect(spellQuestion("Were there DNS failures this afternoon?")).toBe(
      "were there dns failures this afternoon?",
    );
  });
});
