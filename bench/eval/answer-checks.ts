import { regexOf, textMatches, type ExpectedAnswer } from "@orch/core";
import { answerLead } from "./answer-text.js";
import { check, type ExpectationCheck } from "./expectation-check.js";

const quote = (text: string) => (text.startsWith("/") ? text : `"${text}"`);

function shorten(text: string, max = 160): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Where a matcher matches in the text, with some words around it: "…a «no problems found» here…". */
function excerpt(matcher: string, text: string): string {
  const re = regexOf(matcher) ?? new RegExp(matcher.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
  const found = re.exec(text);
  if (!found) return "";
  const from = Math.max(0, found.index - 40);
  const to = Math.min(text.length, found.index + found[0].length + 40);
  const before = text.slice(from, found.index).replace(/\s+/g, " ");
  const after = text.slice(found.index + found[0].length, to).replace(/\s+/g, " ");
  return `${from > 0 ? "…" : ""}${before}«${found[0]}»${after}${to < text.length ? "…" : ""}`;
}

/**
 * The answer expectations, one check per matcher: every `must_mention` in the answer's text,
 * no `must_not_mention` in it, every `lead` in its first two sentences (see answer-text.ts).
 * Matchers are case-insensitive substrings or "/regex/". Without an answer, every check fails.
 */
export function answerChecks(
  expected: ExpectedAnswer | undefined,
  answer: string | undefined,
): ExpectationCheck[] {
  if (!expected) return [];
  const missing = answer === undefined ? "the job has no answer" : undefined;
  const text = answer ?? "";
  const lead = answerLead(text);
  return [
    ...expected.must_mention.map((m) =>
      check(
        "answer",
        `mentions ${quote(m)}`,
        missing ?? (textMatches(m, text) ? undefined : "not in the answer"),
      ),
    ),
    ...expected.must_not_mention.map((m) =>
      check(
        "answer",
        `does not mention ${quote(m)}`,
        missing ?? (textMatches(m, text) ? `the answer says "${excerpt(m, text)}"` : undefined),
      ),
    ),
    ...expected.lead.map((m) =>
      check(
        "answer",
        `leads with ${quote(m)}`,
        missing ?? (textMatches(m, lead) ? undefined : `the lead is "${shorten(lead)}"`),
      ),
    ),
  ];
}
