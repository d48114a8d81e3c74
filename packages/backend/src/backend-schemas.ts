import { z } from "zod";

const TAG = /^[a-z][a-z0-9_.\-/]*:[a-z0-9_.\-/]+$/;

/**
 * GET /services/{service_id}: what the backend knows of a service. Unknown fields are ignored,
 * so the backend may send more; what we use is checked as strictly as config.json's services.
 */
export const serviceInfoSchema = z.object({
  service_id: z.string().optional(),
  tags: z
    .array(z.string().transform((t) => t.toLowerCase()))
    .transform((tags) => tags.filter((t) => TAG.test(t)))
    .optional(),
  env: z
    .string()
    .regex(/^[a-z0-9_.-]+$/)
    .optional()
    .nullable()
    .transform((v) => v ?? undefined),
  datadog: z
    .object({
      site: z
        .string()
        .regex(/^[a-z0-9.-]+\.[a-z]+$/)
        .nullish()
        .transform((v) => v ?? undefined),
      api_url: z
        .url({ protocol: /^https?$/ })
        .nullish()
        .transform((v) => v ?? undefined),
      api_key: z
        .string()
        .min(1)
        .nullish()
        .transform((v) => v ?? undefined),
      app_key: z
        .string()
        .min(1)
        .nullish()
        .transform((v) => v ?? undefined),
    })
    .nullish()
    .transform((v) => v ?? undefined),
});
export type ServiceInfo = z.infer<typeof serviceInfoSchema>;

/**
 * GET /services: the services the backend knows, for pickers (the console's ask form). Only the
 * id, a description and the env are read: whatever else an entry carries (keys included) is dropped.
 */
const serviceEntrySchema = z.object({
  service_id: z.string().regex(/^[a-z0-9][a-z0-9._\-/]{0,99}$/),
  description: z
    .string()
    .max(500)
    .nullish()
    .transform((v) => v ?? undefined),
  env: z
    .string()
    .regex(/^[a-z0-9_.-]+$/)
    .nullish()
    .transform((v) => v ?? undefined),
});
export const serviceListSchema = z.union([
  z.object({ services: z.array(serviceEntrySchema) }).transform((v) => v.services),
  z.array(serviceEntrySchema),
]);
export type ServiceEntry = z.infer<typeof serviceEntrySchema>;

export const backendMessageSchema = z.object({
  role: z.enum(["user", "assistant"]),
  content: z.string(),
  job_id: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
  at: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
});

/** GET /sessions/{session_id}/messages: `{messages: [...]}` (a bare array is accepted too). */
export const chatMessagesSchema = z.union([
  z.object({ messages: z.array(backendMessageSchema) }).transform((v) => v.messages),
  z.array(backendMessageSchema),
]);

/** POST /sessions/{session_id}/messages: one message of the conversation. */
export interface NewBackendMessage {
  readonly role: "user" | "assistant";
  readonly content: string;
  readonly job_id: string;
  readonly service_id: string;
  /** The API client (token owner) whose session it is. */
  readonly client: string;
  readonly at: string;
}
