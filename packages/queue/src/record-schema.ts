import { z } from "zod";
import { AppError, PHASES } from "@orch/core";

/**
 * The version of the job record's layout this code writes and reads. Raise it with any change a
 * older process would misread (a field renamed, an output reshaped); records without a version
 * are version 1. A process meets newer records during a rolling deploy: it leaves them alone.
 * Version 2: outputs may be brotli-compressed (see output-codec.ts).
 */
export const JOB_SCHEMA_VERSION = 2;

const STATUSES = [
  "queued",
  "planning",
  "executing",
  "synthesizing",
  "completed",
  "failed",
  "cancelled",
] as const;
const numeric = z.string().regex(/^\d+$/);

/** What every record hash must hold to be read, whatever else it carries. */
export const recordSchema = z.looseObject({
  id: z.string().min(1),
  owner: z.string().min(1),
  status: z.enum(STATUSES),
  phase: z.enum(PHASES as unknown as ["planning", "execution", "feedback"]).optional(),
  request: z.string().refine((text) => {
    try {
      const value: unknown = JSON.parse(text);
      return (
        typeof value === "object" &&
        value !== null &&
        typeof (value as { service_id?: unknown }).service_id === "string" &&
        typeof (value as { user_message?: unknown }).user_message === "string"
      );
    } catch {
      return false;
    }
  }, "not a job request"),
  created_at: z.string(),
  updated_at: z.string(),
  deadline_ms: numeric,
  schema: numeric.optional(),
});

/**
 * A record this process cannot read: written by a newer version (`newer`: leave it for a process
 * that understands it), or damaged. Clients see a 503 and retry (another instance may read it).
 */
export class UnreadableRecord extends AppError {
  constructor(
    readonly jobId: string,
    readonly newer: boolean,
    message: string,
  ) {
    super("unavailable", message, { job_id: jobId, retry_after_seconds: 5 });
  }
}

/** Checks a record hash before it is parsed: its version, then its shape. */
export function checkRecord(hash: Readonly<Record<string, string>>): void {
  const id = hash.id ?? "?";
  const version = Number(hash.schema ?? 1);
  if (version > JOB_SCHEMA_VERSION) {
    throw new UnreadableRecord(
      id,
      true,
      `job ${id} was written by a newer version of the service (record schema ${version}; this process reads up to ${JOB_SCHEMA_VERSION}); retry shortly`,
    );
  }
  const parsed = recordSchema.safeParse(hash);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join(".")))].join(", ");
    throw new UnreadableRecord(id, false, `job ${id} has a damaged record (${fields}); it cannot be read`);
  }
}
