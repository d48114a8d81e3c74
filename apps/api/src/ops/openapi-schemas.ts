import { z } from "zod";
import { FINDING_CATEGORIES, INTENTS, PHASES, planStepSchema, type ErrorCode } from "@orch/core";
import { STATUS_OF } from "../middleware/problem.js";

/*
 * Shapes of the API's responses, for the OpenAPI document. Requests are validated by the schemas
 * in jobs/job-request-schema.ts, which the document uses as they are; responses are built by our
 * own code, so these schemas only describe them — and the ops tests parse real responses with
 * them, so the document cannot drift from what the API sends.
 */

const isoTime = z.iso.datetime({ offset: true }).describe("ISO-8601 timestamp");
const phase = z.enum(PHASES as [string, ...string[]]);
const jobStatus = z.enum([
  "queued",
  "planning",
  "executing",
  "synthesizing",
  "completed",
  "failed",
  "cancelled",
]);

export const problemSchema = z
  .object({
    type: z.string().describe("URL of the error code's entry in docs/errors.md"),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe("What went wrong and what to do instead"),
    code: z.enum(Object.keys(STATUS_OF) as [ErrorCode, ...ErrorCode[]]),
    instance: z.string().optional().describe("The request path"),
    request_id: z.string().optional().describe("Also in the X-Request-Id header and the logs"),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe("Each invalid field"),
    retry_after_seconds: z.number().int().optional().describe("With 429, as in the Retry-After header"),
  })
  .describe("An RFC 9457 problem document (application/problem+json)");

export const usageSchema = z.object({
  llm_calls: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  datadog_calls: z.number().int(),
  cache_hits: z.number().int(),
});

export const jobErrorSchema = z.object({ code: z.string(), message: z.string(), phase: phase.optional() });

const findingSchema = z.object({
  id: z.string(),
  category: z.enum(FINDING_CATEGORIES as [string, ...string[]]),
  severity: z.enum(["critical", "warning", "info"]),
  metric: z.string(),
  kind: z.string().optional(),
  window: z.object({ start: z.number(), end: z.number() }).describe("epoch milliseconds"),
  evidence: z.record(z.string(), z.union([z.number(), z.string()])),
  summary: z.string(),
  score: z.number().min(0).max(1),
  related: z.array(z.string()).optional(),
  state: z
    .enum(["ongoing", "recovered"])
    .describe("whether the anomaly still holds at the end of the window, or ended inside it"),
  recovered_at: z.number().optional().describe("when a recovered anomaly ended, epoch milliseconds"),
});

export const jobResultSchema = z.object({
  answer_markdown: z.string(),
  findings_used: z.array(z.string()),
  recommendations: z.array(z.string()),
  confidence: z.number().min(0).max(1),
  findings: z.array(findingSchema),
  reasoner: z.string().describe('e.g. "openai:gpt-4o" or "offline"'),
  data_source: z.string().describe('e.g. "datadog:datadoghq.eu" or "demo"'),
  missing_data: z.array(z.string()),
  window: z.object({ start: z.string(), end: z.string(), label: z.string() }),
});

const linksSchema = z.object({ self: z.string(), trace: z.string(), events: z.string() });

export const jobAcceptedSchema = z.object({
  job_id: z.string(),
  status: jobStatus,
  status_url: z.string(),
  events_url: z.string(),
  trace_url: z.string().optional(),
  detail: z.string().optional().describe("POST /orchestrate past its wait: where to pick up the answer"),
});

export const jobViewSchema = z.object({
  job_id: z.string(),
  status: jobStatus,
  phase: phase.nullable(),
  service_id: z.string(),
  user_message: z.string(),
  session_id: z.string().nullable(),
  created_at: isoTime,
  updated_at: isoTime,
  started_at: isoTime.nullable(),
  finished_at: isoTime.nullable(),
  deadline_at: isoTime,
  progress: z.object({ phases_completed: z.array(phase), steps: z.number().int() }),
  reasoner: z.string().nullable(),
  data_source: z.string().nullable(),
  usage: usageSchema,
  result: jobResultSchema.nullable().describe("Set when the job completed"),
  error: jobErrorSchema.nullable().describe("Set when the job failed or was cancelled"),
  links: linksSchema,
});

export const traceStepSchema = z.object({
  index: z.number().int(),
  phase,
  kind: z.enum(["llm", "tool", "analysis"]),
  name: z.string(),
  started_at: isoTime,
  duration_ms: z.number(),
  status: z.enum(["ok", "error", "skipped"]),
  cache: z.enum(["hit", "miss"]).optional(),
  summary: z.string(),
  tokens: z.object({ prompt: z.number().int(), completion: z.number().int() }).optional(),
  error: z.string().optional(),
});

const planSchema = z.object({
  intent: z.enum(INTENTS as [string, ...string[]]),
  window: z.object({
    start: z.number(),
    end: z.number(),
    label: z.string(),
    explicit: z.boolean().optional().describe("whether the question or the request named the window"),
  }),
  steps: z.array(planStepSchema),
  rationale: z.string(),
  source: z.enum(["offline", "llm", "fallback"]),
});

export const jobTraceSchema = z.object({
  job_id: z.string(),
  status: jobStatus,
  total_steps: z.number().int(),
  execution_time_ms: z.number(),
  phases: z.array(phase),
  phase_durations_ms: z
    .object({ planning: z.number(), execution: z.number(), feedback: z.number() })
    .partial()
    .describe("each saved phase's own work; the rest of execution_time_ms is queueing and bookkeeping"),
  confidence_score: z.number().nullable(),
  reasoner: z.string().nullable(),
  data_source: z.string().nullable(),
  usage: usageSchema,
  plan: planSchema.nullable(),
  steps: z.array(traceStepSchema),
});

export const orchestrateResponseSchema = z.object({
  answer: z.string().describe("Markdown"),
  session_id: z.string().nullable(),
  job_id: z.string(),
  timestamp: isoTime,
  reasoning_trace: z.object({
    total_steps: z.number().int(),
    execution_time_ms: z.number(),
    phases: z.array(phase),
    confidence_score: z.number().nullable(),
  }),
  reasoner: z.string().nullable().optional(),
  data_source: z.string().nullable().optional(),
});

export const sessionMessagesSchema = z.object({
  session_id: z.string(),
  messages: z.array(
    z.object({
      role: z.enum(["user", "assistant"]),
      content: z.string(),
      job_id: z.string().optional(),
      at: z.string().optional(),
    }),
  ),
});

export const healthSchema = z.object({ status: z.literal("ok") });

export const readinessSchema = z.object({
  status: z.enum(["ready", "unavailable"]),
  redis: z.enum(["ok", "unreachable"]),
  redis_ms: z.number(),
});
