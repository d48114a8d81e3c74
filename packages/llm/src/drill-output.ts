import { z } from "zod";
import type { DrillOption } from "@orch/core";
import { describeIssues, parseJsonReply, type Checked } from "./json-reply.js";

/** How a menu option is written for the model and read back: "metric by key". */
export function optionText(option: DrillOption): string {
  return `${option.metric} by ${option.key}`;
}

/** The strict JSON schema of a drill-down reply: picks are the menu's own texts (an enum). */
export function drillJsonSchema(
  menu: readonly DrillOption[],
  limit: number,
): Readonly<Record<string, unknown>> {
  return {
    type: "object",
    additionalProperties: false,
    required: ["picks", "reason"],
    properties: {
      picks: {
        type: "array",
        maxItems: limit,
        items: { type: "string", enum: menu.map(optionText) },
      },
      reason: { type: "string", description: "why these breakdowns, in one sentence" },
    },
  };
}

const replySchema = z.object({ picks: z.array(z.string()), reason: z.string().max(600) }).strict();

/** Checks a reply against the menu: every pick must be one of its options, within the limit. */
export function checkDrillReply(
  content: string,
  menu: readonly DrillOption[],
  limit: number,
): Checked<{ picks: DrillOption[]; reason: string }> {
  const json = parseJsonReply(content);
  if (!json.ok) return json;
  const parsed = replySchema.safeParse(json.value);
  if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
  const byText = new Map(menu.map((o) => [optionText(o), o]));
  const unknown = parsed.data.picks.filter((p) => !byText.has(p));
  if (unknown.length > 0)
    return { ok: false, error: `picks not on the menu: ${unknown.slice(0, 3).join(", ")}` };
  if (parsed.data.picks.length > limit) return { ok: false, error: `more than ${limit} picks` };
  const picks = [...new Set(parsed.data.picks)].map((p) => byText.get(p) as DrillOption);
  return { ok: true, value: { picks, reason: parsed.data.reason } };
}
