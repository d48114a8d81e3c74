import type { z } from "zod";

/** A model's reply checked against what we asked for: the value, or what was wrong (fed back to the model once). */
export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/**
 * Parses a reply that should be one JSON object. Servers without structured outputs sometimes
 * wrap it in a Markdown code fence; that is tolerated, anything else is not.
 */
export function parseJsonReply(content: string): Checked<unknown> {
  const text = content
    .trim()
    .replace(/^```(?:json)?\s*\n?/i, "")
    .replace(/\n?```$/, "")
    .trim();
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : "parse error";
    return { ok: false, error: `the reply is not valid JSON (${reason.slice(0, 160)})` };
  }
}

/** zod issues as "path: message; path: message", the form the repair prompt sends back. */
export function describeIssues(error: z.ZodError, prefix = ""): string {
  return error.issues
    .slice(0, 8)
    .map((issue) => {
      const segments = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
      const path = `${prefix}${segments}`.replace(/^\./, "");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}
