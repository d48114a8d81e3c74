import { z } from "zod";
import { SERVICE_ID_PATTERN, parseWindowDuration } from "@orch/core";

/** "X is required" when absent, "X must be a string" when it is something else; `example` shows one. */
const stringRequired = (field: string, example: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `${field} is required: ${example}` : `${field} must be a string: ${example}`;

export const serviceIdSchema = z
  .string({ error: stringRequired("service_id", 'the Datadog service name, e.g. "web-app"') })
  .trim()
  .min(1, "service_id must not be empty")
  .max(100, "service_id must be at most 100 characters")
  .regex(
    SERVICE_ID_PATTERN,
    "service_id must be a Datadog tag value: lower-case letters, digits, '.', '_', '-', '/'",
  );

export const sessionIdSchema = z
  .string({ error: stringRequired("session_id", 'a name for the conversation, e.g. "incident-4711"') })
  .min(1, "session_id must not be empty")
  .max(128, "session_id must be at most 128 characters")
  .regex(/^[A-Za-z0-9._:-]+$/, "session_id may contain only letters, digits, '.', '_', ':' and '-'");

export const userMessageSchema = z
  .string({ error: stringRequired("user_message", 'the question, e.g. "Why are 5xx errors up?"') })
  .trim()
  .min(1, "user_message must not be empty")
  .max(4000, "user_message must be at most 4000 characters");

/** An absolute bound of the window: ISO 8601 with a zone, e.g. 2025-03-02T14:00:00Z. */
const instant = (name: string) =>
  z.iso.datetime({
    offset: true,
    error: `options.${name} must be an ISO 8601 date-time with a zone, e.g. 2025-03-02T14:00:00Z`,
  });

/** How far a window may reach back (Datadog keeps 15 months of metrics) and how long it may be. */
const OLDEST_MS = 455 * 86_400_000;
const LONGEST_MS = 30 * 86_400_000;
/** Clocks differ: an end up to a minute ahead of ours is not "the future". */
const CLOCK_SKEW_MS = 60_000;

export const jobOptionsSchema = z
  .object({
    timeframe: z
      .string()
      .refine(
        (s) => parseWindowDuration(s) !== undefined,
        "options.timeframe must be a duration of at least 1 minute, such as 30m, 24h or 7d",
      )
      .optional(),
    from: instant("from").optional().describe("start of an absolute window (with options.to)"),
    to: instant("to").optional().describe("end of an absolute window (with options.from)"),
    reasoner: z.enum(["auto", "offline"]).optional(),
    max_steps: z.number().int().min(1).max(50).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.from === undefined && o.to === undefined) return;
    if (o.from === undefined || o.to === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "options.from and options.to go together: give both, or neither",
      });
      return;
    }
    if (o.timeframe !== undefined) {
      ctx.addIssue({
        code: "custom",
        message: "give options.timeframe or options.from/options.to, not both",
      });
      return;
    }
    const from = Date.parse(o.from);
    const to = Date.parse(o.to);
    const now = Date.now();
    if (!(from < to)) ctx.addIssue({ code: "custom", message: "options.from must be before options.to" });
    else if (to - from > LONGEST_MS)
      ctx.addIssue({ code: "custom", message: "options.from to options.to may span at most 30 days" });
    else if (to - from < 60_000)
      ctx.addIssue({ code: "custom", message: "options.from to options.to must span at least 1 minute" });
    if (from > now + CLOCK_SKEW_MS || to > now + CLOCK_SKEW_MS)
      ctx.addIssue({ code: "custom", message: "options.from and options.to must not be in the future" });
    if (from < now - OLDEST_MS)
      ctx.addIssue({
        code: "custom",
        message: "options.from must be within the last 15 months (Datadog's retention)",
      });
  });

/** A Datadog monitor id (int64 in Datadog; the ones in use fit a double exactly). */
export const monitorIdSchema = z
  .number({ error: "monitor_id must be a number: the id in the monitor's URL, e.g. 12345" })
  .int("monitor_id must be a whole number")
  .min(1, "monitor_id must be at least 1")
  .max(1e15, "monitor_id must be at most 1000000000000000");

export const createJobSchema = z
  .object({
    service_id: serviceIdSchema,
    user_message: userMessageSchema,
    monitor_id: monitorIdSchema.optional(),
    session_id: sessionIdSchema.optional(),
    options: jobOptionsSchema.optional(),
    callback_url: z
      .url({ protocol: /^https?$/, error: "callback_url must be an http(s) URL" })
      .max(2000)
      .optional(),
  })
  .strict();

export type CreateJobBody = z.infer<typeof createJobSchema>;

/** POST /orchestrate: the seed's request. */
export const orchestrateSchema = z
  .object({
    service_id: serviceIdSchema,
    user_message: userMessageSchema,
    monitor_id: monitorIdSchema.optional(),
    session_id: sessionIdSchema.optional(),
    options: jobOptionsSchema.optional(),
  })
  .strict();

export const jobIdParamsSchema = z.object({
  id: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{8,64}$/,
      "The job id must be 8-64 letters, digits, '_' or '-', as returned by POST /jobs",
    ),
});

/** Every status a job can have. */
export const JOB_STATUSES = [
  "queued",
  "planning",
  "executing",
  "synthesizing",
  "completed",
  "failed",
  "cancelled",
] as const;

/** GET /jobs: a page of the caller's jobs, newest first. */
export const listJobsQuerySchema = z
  .object({
    limit: z
      .string()
      .regex(/^\d{1,3}$/, "limit must be a whole number between 1 and 100")
      .transform(Number)
      .pipe(z.number().int().min(1, "limit must be at least 1").max(100, "limit must be at most 100"))
      .optional(),
    cursor: z
      .string()
      .max(200, "cursor must be the next_cursor of a previous page")
      .regex(/^[A-Za-z0-9_-]+$/, "cursor must be the next_cursor of a previous page")
      .optional(),
    status: z.enum(JOB_STATUSES).optional(),
    service_id: serviceIdSchema.optional(),
    since: z.iso
      .datetime({ offset: true, error: "since must be an ISO 8601 time, e.g. 2024-06-10T06:00:00Z" })
      .optional(),
  })
  .strict();

export function waitQuerySchema(maxSeconds: number) {
  return z.object({
    wait: z
      .string()
      .regex(/^\d+(\.\d+)?$/, `wait must be a number of seconds between 0 and ${maxSeconds}`)
      .transform(Number)
      .pipe(z.number().min(0).max(maxSeconds, `wait must be at most ${maxSeconds} seconds`))
      .optional(),
  });
}

/** The largest part of a Redis stream id: both parts are unsigned 64-bit integers. */
const MAX_PART = 2n ** 64n - 1n;

/**
 * A Redis stream entry id, as sent in each event's `id:` field: `<ms>-<seq>`, each part at most
 * 2^64-1 (Redis refuses larger ones). The very last id is refused too: nothing can follow it.
 */
function streamIdSchema(name: string) {
  const parts = (id: string) => (/^\d{1,20}-\d{1,20}$/.test(id) ? id.split("-").map(BigInt) : undefined);
  return z
    .string()
    .refine(
      (id) => parts(id)?.every((part) => part <= MAX_PART) === true,
      `${name} must be an event id as sent in the stream's id: field, e.g. 1718000000000-0 (two whole numbers, each at most ${String(MAX_PART)})`,
    )
    .refine(
      (id) => parts(id)?.some((part) => part < MAX_PART) !== false,
      `${name} is the last possible event id; no event can follow it`,
    );
}

/** GET /jobs/:id/events: resume after an event, by header (EventSource sends it) or by query. */
export const eventsQuerySchema = z.object({ last_event_id: streamIdSchema("last_event_id").optional() });
export const eventsHeadersSchema = z.object({ "last-event-id": streamIdSchema("Last-Event-ID").optional() });

/** POST /jobs and POST /orchestrate: the same key and owner within 24 h returns the same job. */
export const idempotencyHeadersSchema = z.object({
  "idempotency-key": z
    .string()
    .regex(
      /^[\x21-\x7e]{1,255}$/,
      "Idempotency-Key must be 1-255 visible ASCII characters (no spaces), e.g. a UUID",
    )
    .optional(),
});
