import { offsetMs } from "./scenario-offset.js";

/**
 * A scenario's question with its time placeholders filled in for a run's anchor, so that a
 * question can name absolute times ("yesterday between {{time:-26h}} and {{time:-25h}} UTC")
 * while its data stays relative to the window's end:
 *
 * - `{{time:OFFSET}}` → "14:05" (UTC), `{{date:OFFSET}}` → "2025-03-02",
 * - `{{weekday:OFFSET}}` → "Sunday", `{{iso:OFFSET}}` → "2025-03-02T14:05:00Z".
 */
export function renderQuestion(question: string, anchor: number): string {
  return question.replace(
    /\{\{\s*(time|date|weekday|iso)\s*:\s*([^}]+?)\s*\}\}/g,
    (_, kind: string, offset: string) => {
      const at = new Date(anchor + offsetMs(offset));
      const iso = at.toISOString();
      switch (kind) {
        case "time":
          return iso.slice(11, 16);
        case "date":
          return iso.slice(0, 10);
        case "weekday":
          return WEEKDAYS[at.getUTCDay()] ?? "";
        default:
          return `${iso.slice(0, 19)}Z`;
      }
    },
  );
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Placeholders a question may hold, for validation: each must name a known kind and a valid offset. */
export function questionPlaceholderError(question: string): string | undefined {
  for (const m of question.matchAll(/\{\{([^}]*)\}\}/g)) {
    const inner = (m[1] ?? "").trim();
    const parts = /^(time|date|weekday|iso)\s*:\s*(.+)$/.exec(inner);
    if (!parts) return `unknown placeholder {{${inner}}}: use {{time|date|weekday|iso:OFFSET}}`;
    try {
      offsetMs(parts[2] ?? "");
    } catch {
      return `bad offset in {{${inner}}}: use an offset such as -26h`;
    }
  }
  return undefined;
}
