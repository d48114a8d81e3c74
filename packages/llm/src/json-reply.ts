import type { z } from "zod";

/** A model's reply checked against what we asked for: the value, or what was wrong (fed back to the model once). */
export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : "parse error" };
  }
}

/** Each balanced `{…}` span of `text`, in order (string literals and escapes respected). */
function* objectSpans(text: string): Generator<string> {
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === "\\") i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) {
        yield text.slice(start, i + 1);
        break;
      }
    }
  }
}

/**
 * Parses a reply that should be one JSON object. Servers without structured outputs wrap it in
 * a Markdown code fence or in prose ("Here is the plan: {…} Let me know…"); the first JSON
 * object found is taken then. A reply with no parsable object is refused.
 */
export function parseJsonReply(content: string): Checked<unknown> {
  const trimmed = content.trim();
  const whole = tryParse(trimmed);
  if (whole.ok) return { ok: true, value: whole.value };
  const fenced = /```(?:json)?\s*\n?([\s\S]*?)\n?```/i.exec(trimmed)?.[1]?.trim();
  const candidates = function* () {
    if (fenced) yield fenced;
    yield* objectSpans(trimmed);
  };
  for (const candidate of candidates()) {
    const parsed = tryParse(candidate);
    if (
      parsed.ok &&
      typeof parsed.value === "object" &&
      parsed.value !== null &&
      !Array.isArray(parsed.value)
    )
      return { ok: true, value: parsed.value };
  }
  return { ok: false, error: `the reply is not valid JSON (${whole.reason.slice(0, 160)})` };
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
