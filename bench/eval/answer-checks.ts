import { textMatches, type ExpectedAnswer } from "@orch/core";
import { answerLead } from "./answer-text.js";
import { check, type ExpectationCheck } from "./expectation-check.js";

const quote = (text: string) => (text.startsWith("/") ? text : `"${text}"`);

function shorten(text: string, max = 160): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
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
        missing ?? (textMatches(m, text) ? undefined : `the answer does not contain ${quote(m)}`),
      ),
    ),
    ...expected.must_not_mention.map((m) =>
      check(
        "answer",
        `does not mention ${quote(m)}`,
        missing ?? (textMatches(m, text) ? `the answer contains ${quote(m)}` : undefined),
      ),
    ),
    ...expected.lead.map((m) =>
      check(
        "answer",
        `leads with ${quote(m)}`,
        missing ??
          (textMatches(m, lead) ? undefined : `the first two sentences lack ${quote(m)}: "${shorten(lead)}"`),
      ),
    ),
  ];
}
