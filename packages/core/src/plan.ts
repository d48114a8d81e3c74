import { z } from "zod";
import type { TimeWindow } from "./time-window.js";

/** What the question is about; drives which signals the planner reads. */
export type Intent = "performance" | "errors" | "capacity" | "health";
export const INTENTS: readonly Intent[] = ["performance", "errors", "capacity", "health"];

/** Percentiles of a distribution metric, read as `p99:metric{…}`. */
export const PERCENTILE_AGGREGATORS = ["p50", "p75", "p90", "p95", "p99"] as const;

/**
 * A Datadog metric name: letters, digits, underscores and dots, starting with a letter, at most
 * 200 characters. No dot is needed (`errors`, `http_requests_total` are valid).
 */
export const METRIC_NAME = /^[a-zA-Z][a-zA-Z0-9_.]{0,199}$/;

/** A metric read: the metric and how to aggregate it. The scope is never part of it: the data source adds it. */
export const metricQuerySchema = z.object({
  metric: z
    .string()
    .regex(METRIC_NAME, "a Datadog metric name such as system.cpu.user or http_requests_total"),
  aggregator: z.enum(["avg", "sum", "max", "min", ...PERCENTILE_AGGREGATORS]),
  /** Tag keys to group by (e.g. ["host"]); values are never accepted here. */
  by: z
    .array(z.string().regex(/^[a-z][a-z0-9_.\-/]{0,49}$/))
    .max(3)
    .default([]),
  as_count: z.boolean().default(false),
  /** Read the same window a day or a week earlier (Datadog's day_before()/week_before()), for history. */
  shift: z.enum(["day", "week"]).optional(),
});
export type MetricQuery = z.infer<typeof metricQuerySchema>;

/** How far back a shifted read looks. */
export const SHIFT_MS: Readonly<Record<NonNullable<MetricQuery["shift"]>, number>> = {
  day: 86_400_000,
  week: 7 * 86_400_000,
};

const reason = z.string().max(300).default("");

/** A typed tool call of a plan. Each tool reads only within the job's scope. */
export const planStepSchema = z.discriminatedUnion("tool", [
  z.object({
    id: z.string().max(40),
    tool: z.literal("metrics"),
    query: metricQuerySchema,
    reason,
    /** Also read the same window a day and/or a week earlier, to judge change against history. */
    history: z
      .array(z.enum(["day", "week"]))
      .max(2)
      .optional(),
  }),
  z.object({ id: z.string().max(40), tool: z.literal("monitors"), reason }),
  z.object({ id: z.string().max(40), tool: z.literal("events"), reason }),
  z.object({
    id: z.string().max(40),
    tool: z.literal("logs"),
    /** Extra log search terms (e.g. "status:error"); the scope is added by the source. */
    filter: z
      .string()
      .max(200)
      .regex(/^[a-zA-Z0-9_:.\-@" ]*$/, "plain search terms only")
      .default("status:error"),
    reason,
  }),
]);
export type PlanStep = z.infer<typeof planStepSchema>;
export type ToolName = PlanStep["tool"];

/** How a plan covers the question: the concepts it names, and which metrics answer them. */
export interface PlanCoverage {
  /** Concepts the question names or implies ("locks", "cache", "full"). */
  readonly concepts: readonly string[];
  /** Concepts no metric the service reports speaks of: the answer cannot settle them. */
  readonly unmatched: readonly string[];
  /** Metrics read because the question named or implied them. */
  readonly read_for_question: readonly string[];
  /** Relevant metrics the service reports that the budget left unread, most relevant first. */
  readonly not_read: readonly string[];
  /** How many metrics the service reports. */
  readonly available: number;
}

export interface Plan {
  readonly intent: Intent;
  readonly window: TimeWindow;
  readonly steps: readonly PlanStep[];
  readonly rationale: string;
  /** "offline", "llm", or "fallback" when a model's plan was rejected and the offline one used. */
  readonly source: "offline" | "llm" | "fallback";
  /** How the plan covers the question (absent from plans made before this was recorded). */
  readonly coverage?: PlanCoverage;
}

/** Renders a metric query as a Datadog query string for a given scope filter ("service:x,env:y"). */
export function renderMetricQuery(query: MetricQuery, scopeFilterText: string): string {
  const by = query.by.length > 0 ? ` by {${query.by.join(",")}}` : "";
  const count = query.as_count ? ".as_count()" : "";
  const text = `${query.aggregator}:${query.metric}{${scopeFilterText}}${by}${count}`;
  // Datadog's timeshift functions return the earlier window's points at the current window's times.
  return query.shift ? `${query.shift}_before(${text})` : text;
}
