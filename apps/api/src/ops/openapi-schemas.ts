import { z } from "zod";
import { FINDING_CATEGORIES, INTENTS, PHASES, ROUND_LIMIT, planStepSchema, type ErrorCode } from "@orch/core";
import { JOB_STATUSES } from "../jobs/job-request-schema.js";
import { STATUS_OF } from "../middleware/problem.js";

/*
 * Shapes of the API's responses, for the OpenAPI document. Requests are validated by the schemas
 * in jobs/job-request-schema.ts, which the document uses as they are; responses are built by our
 * own code, so these schemas only describe them — and the ops tests parse real responses with
 * them, so the document cannot drift from what the API sends.
 */

const isoTime = z.iso.datetime({ offset: true }).describe("ISO-8601 timestamp");
const phase = z.enum(PHASES as [string, ...string[]]);
const jobStatus = z.enum(JOB_STATUSES);

/** A count: a whole number, never negative (bounded, so documents show real limits, not ±2^53). */
const count = () => z.number().int().min(0).max(1e15);

export const problemSchema = z
  .looseObject({
    type: z.string().describe("URL of the error code's entry in docs/errors.md"),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string().describe("What went wrong and what to do instead"),
    code: z.enum(Object.keys(STATUS_OF) as [ErrorCode, ...ErrorCode[]]),
    instance: z.string().optional().describe("The request path"),
    request_id: z.string().optional().describe("Also in the X-Request-Id header and the logs"),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .describe("Each invalid field"),
    retry_after_seconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .optional()
      .describe("With 429 and 503, as in the Retry-After header"),
    job_id: z.string().optional().describe("The job concerned (an ended job, an Idempotency-Key's job)"),
    status_url: z.string().optional().describe("Where to follow that job"),
    job_status: jobStatus.optional().describe("409 on DELETE /jobs/{id}: how the job ended"),
    finished_at: isoTime.optional().describe("409 on DELETE /jobs/{id}: when it ended"),
    in_flight: count().optional().describe("429 for jobs in flight: how many this token has"),
    limit: count().optional().describe("429 for jobs in flight: the limit"),
  })
  .describe(
    "An RFC 9457 problem document (application/problem+json); members not listed here may be added, as RFC 9457 allows",
  );

export const usageSchema = z.object({
  llm_calls: count(),
  prompt_tokens: count().describe("including cached_prompt_tokens"),
  cached_prompt_tokens: count().describe("prompt tokens the model's provider served from its cache"),
  completion_tokens: count(),
  datadog_calls: count(),
  cache_hits: count(),
  cost_usd: z
    .number()
    .min(0)
    .nullable()
    .describe("model spend from the llm.prices table; null when a model used has no price there"),
  cost_note: z.string().optional().describe("why cost_usd is null"),
});

export const jobErrorSchema = z.object({ code: z.string(), message: z.string(), phase: phase.optional() });

const findingSchema = z.object({
  id: z.string(),
  category: z.enum(FINDING_CATEGORIES as [string, ...string[]]),
  severity: z.enum(["critical", "warning", "info"]),
  metric: z.string(),
  kind: z.string().optional(),
  window: z.object({ start: count(), end: count() }).describe("epoch milliseconds"),
  evidence: z.record(z.string(), z.union([z.number(), z.string()])),
  summary: z.string(),
  score: z.number().min(0).max(1),
  related: z.array(z.string()).optional(),
  state: z
    .enum(["ongoing", "recovered"])
    .describe("whether the anomaly still holds at the end of the window, or ended inside it"),
  recovered_at: count().optional().describe("when a recovered anomaly ended, epoch milliseconds"),
  caused_by: z
    .array(z.string())
    .optional()
    .describe("ids of findings that explain this one (cause before symptom)"),
  explains: z.array(z.string()).optional().describe("ids of findings this one explains"),
  cause_reason: z.string().optional().describe("why its first cause explains it, in words"),
});

const answerSectionSchema = z.object({ title: z.string(), markdown: z.string() });

export const jobResultSchema = z.object({
  answer_markdown: z.string().describe("the whole answer: the direct answer and summary, then every section"),
  direct_answer: z
    .string()
    .describe("one or two sentences that answer the question asked: yes/no, the cause, or the state"),
  summary: z
    .string()
    .describe("the short form: the direct answer, the causal chain once, other issues and the next step"),
  sections: z.array(answerSectionSchema).describe("the details, section by section"),
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

const alertSchema = z
  .object({
    source: z.literal("datadog"),
    integration: z.string().describe("the name of the alerts.datadog.integrations entry it came through"),
    monitor_id: z.number().int().min(1).max(1e15),
    transition: z.string().describe('$ALERT_TRANSITION, e.g. "Triggered"'),
    title: z.string(),
    scope: z.string().describe("$ALERT_SCOPE"),
    triggered_at: isoTime,
    link: z.string().nullable(),
    recovered_at: isoTime.nullable().describe("when Datadog said the alert recovered (not investigated)"),
  })
  .describe("The Datadog notification that started the job");

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
  round: z
    .number()
    .int()
    .min(1)
    .max(ROUND_LIMIT + 1)
    .describe(
      "the round the job is in: 1, or 2, 3… once the feedback asked for drill-down reads (which endpoint, host, version)",
    ),
  service_id: z.string(),
  user_message: z.string(),
  session_id: z.string().nullable(),
  created_at: isoTime,
  updated_at: isoTime,
  started_at: isoTime.nullable(),
  finished_at: isoTime.nullable(),
  deadline_at: isoTime,
  progress: z.object({ phases_completed: z.array(phase), steps: count() }),
  reasoner: z.string().nullable(),
  data_source: z.string().nullable(),
  usage: usageSchema,
  monitor_id: z.number().int().min(1).max(1e15).nullable().describe("The monitor investigated"),
  alert: alertSchema.nullable(),
  result: jobResultSchema.nullable().describe("Set when the job completed"),
  error: jobErrorSchema.nullable().describe("Set when the job failed or was cancelled"),
  links: linksSchema,
});

export const jobListSchema = z.object({
  jobs: z.array(jobViewSchema.omit({ result: true })).describe("newest first"),
  next_cursor: z.string().nullable().describe("pass as ?cursor= for the next page; null on the last"),
});

export const alertIntakeSchema = z.object({
  outcome: z
    .enum(["started", "duplicate", "suppressed", "recorded", "ignored"])
    .describe(
      "started: a job was queued; duplicate: this notification was seen before; suppressed: the monitor already has a job in the flap period; recorded: a recovery was noted on the alert's job; ignored: nothing to do",
    ),
  job_id: z.string().nullable(),
  status_url: z.string().nullable(),
  detail: z.string(),
});

export const traceStepSchema = z.object({
  index: count(),
  phase,
  round: z
    .number()
    .int()
    .min(2)
    .max(ROUND_LIMIT + 1)
    .optional()
    .describe("the drill-down round of the step; absent in round 1"),
  kind: z.enum(["llm", "tool", "analysis"]),
  name: z.string(),
  started_at: isoTime,
  duration_ms: z.number(),
  status: z.enum(["ok", "error", "skipped"]),
  cache: z.enum(["hit", "miss"]).optional(),
  summary: z.string(),
  tokens: z.object({ prompt: count(), completion: count(), cached_prompt: count().optional() }).optional(),
  cost_usd: z.number().min(0).optional().describe("what this model call cost, from llm.prices"),
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
  coverage: z
    .object({
      concepts: z.array(z.string()).describe("what the question names or implies"),
      unmatched: z.array(z.string()).describe("concepts no metric of the service speaks of"),
      read_for_question: z.array(z.string()).describe("metrics read because the question named them"),
      not_read: z.array(z.string()).describe("relevant metrics the budget left unread"),
      available: count().describe("metrics the service reports"),
    })
    .optional()
    .describe("how the plan covers the question"),
});

export const jobTraceSchema = z.object({
  job_id: z.string(),
  status: jobStatus,
  total_steps: count(),
  execution_time_ms: z.number(),
  phases: z.array(phase),
  phase_durations_ms: z
    .object({ planning: z.number(), execution: z.number(), feedback: z.number() })
    .partial()
    .describe("each saved phase's own work; the rest of execution_time_ms is queueing and bookkeeping"),
  round_durations_ms: z
    .record(z.string(), z.number())
    .describe(
      'the drill-down rounds\' phases\' own work, by key ("execution-2", "feedback-2"); empty without drill-downs',
    ),
  confidence_score: z.number().nullable(),
  reasoner: z.string().nullable(),
  data_source: z.string().nullable(),
  usage: usageSchema,
  alert: alertSchema.nullable(),
  plan: planSchema.nullable(),
  available_metrics: z
    .array(z.string())
    .describe("the metrics discovery found for the service (empty until planning is saved)"),
  unread_metrics: z.array(z.string()).describe("those the plan does not read"),
  steps: z.array(traceStepSchema),
});

export const orchestrateResponseSchema = z.object({
  answer: z.string().describe("Markdown"),
  session_id: z.string().nullable(),
  job_id: z.string(),
  timestamp: isoTime,
  reasoning_trace: z.object({
    total_steps: count(),
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
