import { z } from "zod";
import { SERVICE_ID_PATTERN, parseDuration } from "@orch/core";

export const serviceIdSchema = z
  .string({ error: 'service_id is required: the Datadog service name, e.g. "web-app"' })
  .trim()
  .min(1, "service_id must not be empty")
  .max(100, "service_id must be at most 100 characters")
  .regex(
    SERVICE_ID_PATTERN,
    "service_id must be a Datadog tag value: lower-case letters, digits, '.', '_', '-', '/'",
  );

export const sessionIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, "session_id may contain letters, digits, '.', '_', ':' and '-'");

export const userMessageSchema = z
  .string({ error: 'user_message is required: the question, e.g. "Why are 5xx errors up?"' })
  .trim()
  .min(1, "user_message must not be empty")
  .max(4000, "user_message must be at most 4000 characters");

export const jobOptionsSchema = z
  .object({
    timeframe: z
      .string()
      .refine((s) => parseDuration(s) !== undefined, "timeframe must be a duration such as 30m, 24h or 7d")
      .optional(),
    reasoner: z.enum(["auto", "offline"]).optional(),
    max_steps: z.number().int().min(1).max(50).optional(),
  })
  .strict();

export const createJobSchema = z
  .object({
    service_id: serviceIdSchema,
    user_message: userMessageSchema,
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
    session_id: sessionIdSchema.optional(),
    options: jobOptionsSchema.optional(),
  })
  .strict();

export const jobIdParamsSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "a job id as returned by POST /jobs"),
});

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

/** A Redis stream entry id, as sent in each event's `id:` field. */
const streamIdSchema = z
  .string()
  .regex(/^\d{1,20}-\d{1,20}$/, "an event id as sent in the stream's id: field, e.g. 1718000000000-0");

/** GET /jobs/:id/events: resume after an event, by header (EventSource sends it) or by query. */
export const eventsQuerySchema = z.object({ last_event_id: streamIdSchema.optional() });
export const eventsHeadersSchema = z.object({ "last-event-id": streamIdSchema.optional() });

/** POST /jobs and POST /orchestrate: the same key and owner within 24 h returns the same job. */
export const idempotencyHeadersSchema = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, "Idempotency-Key must be 1-255 visible ASCII characters (no spaces)")
    .optional(),
});
