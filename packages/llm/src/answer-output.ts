import { z } from "zod";
import { describeIssues, parseJsonReply, type Checked } from "./json-reply.js";

/** The answer a model must return, as a JSON schema for OpenAI strict structured outputs. */
export const ANSWER_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["answer_markdown", "findings_used", "recommendations", "confidence"],
  properties: {
    answer_markdown: { type: "string", description: "the answer, in Markdown" },
    findings_used: { type: "array", items: { type: "string" }, description: "ids of the findings relied on" },
    recommendations: { type: "array", items: { type: "string" }, description: "concrete next steps" },
    confidence: { type: "number", description: "how well the data supports the answer, 0 to 1" },
  },
} as const;

const replySchema = z.object({
  answer_markdown: z.string().trim().min(1, "write the answer").max(20_000),
  findings_used: z.array(z.string().max(100)).max(50).default([]),
  recommendations: z.array(z.string().trim().min(1).max(1000)).max(10).default([]),
  confidence: z.number().min(0).max(1),
});

/** A model's answer as it wrote it, before its confidence is grounded. */
export type AnswerReply = z.infer<typeof replySchema>;

/** Checks an answer reply: JSON, then the schema (non-empty answer, confidence in [0, 1]). */
export function checkAnswerReply(content: string): Checked<AnswerReply> {
  const json = parseJsonReply(content);
  if (!json.ok) return json;
  const reply = replySchema.safeParse(json.value);
  if (!reply.success)
    return { ok: false, error: `the answer does not match the schema: ${describeIssues(reply.error)}` };
  return { ok: true, value: { ...reply.data, recommendations: reply.data.recommendations.slice(0, 5) } };
}
