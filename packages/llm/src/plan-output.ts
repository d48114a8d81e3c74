import { z } from "zod";
import {
  classifyIntent,
  classifyMetric,
  INTENTS,
  planStepSchema,
  type Intent,
  type PlanInput,
  type PlanStep,
} from "@orch/core";
import { describeIssues, parseJsonReply, type Checked } from "./json-reply.js";

const stepReason = { type: "string", description: "what the step is for, in a few words" } as const;

/**
 * The plan a model must return, as a JSON schema for OpenAI strict structured outputs: every
 * property required, no others, steps discriminated by their `tool`.
 */
export const PLAN_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["intent", "rationale", "steps"],
  properties: {
    intent: { type: "string", enum: [...INTENTS] },
    rationale: { type: "string" },
    steps: {
      type: "array",
      items: {
        anyOf: [
          {
            type: "object",
            additionalProperties: false,
            required: ["tool", "metric", "aggregator", "by", "as_count", "reason"],
            properties: {
              tool: { type: "string", enum: ["metrics"] },
              metric: { type: "string", description: "a bare Datadog metric name, e.g. system.cpu.user" },
              aggregator: { type: "string", enum: ["avg", "sum", "max", "min"] },
              by: {
                type: "array",
                items: { type: "string" },
                description: "tag keys to group by, e.g. host",
              },
              as_count: { type: "boolean" },
              reason: stepReason,
            },
          },
          {
            type: "object",
            additionalProperties: false,
            required: ["tool", "reason"],
            properties: { tool: { type: "string", enum: ["monitors", "events"] }, reason: stepReason },
          },
          {
            type: "object",
            additionalProperties: false,
            required: ["tool", "filter", "reason"],
            properties: {
              tool: { type: "string", enum: ["logs"] },
              filter: { type: "string", description: "extra plain search terms, e.g. status:error" },
              reason: stepReason,
            },
          },
        ],
      },
    },
  },
} as const;

const reason = z.string().transform((s) => s.slice(0, 300));
const AGGREGATORS: ReadonlySet<string> = new Set(["avg", "sum", "max", "min"]);

/** The shape of the reply; values are checked again by the plan's own step schema. */
const replySchema = z.object({
  // An intent outside the four is read from the question instead (see checkPlanReply).
  intent: z.string().default(""),
  rationale: z.string().transform((s) => s.slice(0, 1000)),
  steps: z
    .array(
      z.discriminatedUnion("tool", [
        z.object({
          tool: z.literal("metrics"),
          metric: z.string(),
          aggregator: z.string().default(""),
          by: z.array(z.string()).default([]),
          as_count: z.boolean().default(false),
          reason: reason.default(""),
        }),
        z.object({ tool: z.enum(["monitors", "events"]), reason: reason.default("") }),
        z.object({
          tool: z.literal("logs"),
          filter: z.string().default("status:error"),
          reason: reason.default(""),
        }),
      ]),
    )
    .min(1, "plan at least one step"),
});

/** A model's plan, checked: intent, rationale and typed steps with ids, at most `max_steps`. */
export interface PlanOutput {
  readonly intent: Intent;
  readonly rationale: string;
  readonly steps: readonly PlanStep[];
  /** Steps left out because they name metrics the service does not report, e.g. `"made.up.metric"`. */
  readonly dropped: readonly string[];
}

type ReplyStep = z.infer<typeof replySchema>["steps"][number];

function toPlanStep(step: ReplyStep, id: string): unknown {
  if (step.tool === "metrics") {
    const { metric, by, as_count } = step;
    // A missing or unknown aggregator ("mean") is the metric's usual one, not a reason to refuse the step.
    const aggregator = AGGREGATORS.has(step.aggregator)
      ? step.aggregator
      : (classifyMetric(metric)?.aggregator ?? "avg");
    return { id, tool: "metrics", query: { metric, aggregator, by, as_count }, reason: step.reason };
  }
  return { ...step, id };
}

/** A search term such as "service:other" that names a scope tag key. */
function namesScope(filter: string, scopeKeys: ReadonlySet<string>): string | undefined {
  return filter
    .split(/\s+/)
    .find(
      (term) =>
        term.includes(":") && scopeKeys.has((term.split(":")[0] ?? "").replace(/^[-"]+/, "").toLowerCase()),
    );
}

/** Ids as the offline planner writes them: m1, m2… for metrics, the tool's name for the others. */
export function withIds(steps: readonly PlanStep[]): PlanStep[] {
  const counts = new Map<string, number>();
  return steps.map((step) => {
    const n = (counts.get(step.tool) ?? 0) + 1;
    counts.set(step.tool, n);
    const id = step.tool === "metrics" ? `m${n}` : n === 1 ? step.tool : `${step.tool}${n}`;
    return { ...step, id };
  });
}

/** What makes two steps the same read. */
export function identity(step: PlanStep): string {
  if (step.tool === "metrics") return JSON.stringify(["metrics", step.query]);
  return JSON.stringify([step.tool, step.tool === "logs" ? step.filter : ""]);
}

/**
 * Checks a plan reply: JSON, the reply schema, each step against the plan's step schema, metric
 * names against the ones the service reports, and no scope tags in log filters — the model
 * never writes the scope, the data source adds it. A step that could widen the scope rejects
 * the plan; one naming a metric the service does not report is only dropped (and listed) while
 * other valid steps remain. Duplicates are dropped; steps beyond `max_steps` are cut.
 */
export function checkPlanReply(content: string, input: PlanInput): Checked<PlanOutput> {
  const json = parseJsonReply(content);
  if (!json.ok) return json;
  const reply = replySchema.safeParse(json.value);
  if (!reply.success)
    return { ok: false, error: `the plan does not match the schema: ${describeIssues(reply.error)}` };

  const known = new Set(input.available_metrics);
  const scopeKeys = new Set(["service", "env", ...input.scope.tags.map((t) => t.split(":")[0] ?? "")]);
  const problems: string[] = [];
  const unknown: Array<{ readonly index: number; readonly metric: string }> = [];
  const steps: PlanStep[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of reply.data.steps.entries()) {
    const parsed = planStepSchema.safeParse(toPlanStep(raw, `s${i + 1}`));
    if (!parsed.success) {
      problems.push(describeIssues(parsed.error, `steps[${i}]`));
      continue;
    }
    const step = parsed.data;
    if (step.tool === "metrics" && known.size > 0 && !known.has(step.query.metric)) {
      unknown.push({ index: i, metric: step.query.metric });
      continue;
    }
    const scopeTerm = step.tool === "logs" ? namesScope(step.filter, scopeKeys) : undefined;
    if (scopeTerm) {
      problems.push(
        `steps[${i}].filter: "${scopeTerm}" names a scope tag; the system adds the scope, write only search terms`,
      );
      continue;
    }
    if (seen.has(identity(step))) continue;
    seen.add(identity(step));
    steps.push(step);
  }
  if (problems.length > 0 || steps.length === 0) {
    const all = [
      ...problems,
      ...unknown.map(
        (u) => `steps[${u.index}].metric: "${u.metric}" is not one of the service's metrics listed`,
      ),
    ];
    return { ok: false, error: `some steps are invalid: ${all.join("; ")}` };
  }
  return {
    ok: true,
    value: {
      intent: INTENTS.find((i) => i === reply.data.intent) ?? classifyIntent(input.question, input.history),
      rationale: reply.data.rationale,
      steps: withIds(steps.slice(0, input.max_steps)),
      dropped: [...new Set(unknown.map((u) => u.metric))],
    },
  };
}
