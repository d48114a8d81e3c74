import { z } from "zod";

/**
 * The opaque cursor of GET /jobs: the position after which the next page starts (the last job id
 * the previous page looked at), versioned so its shape can change without breaking old links.
 */
const cursorSchema = z.object({ v: z.literal(1), after: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) });

export function encodeJobCursor(after: string): string {
  return Buffer.from(JSON.stringify({ v: 1, after })).toString("base64url");
}

/** The position a cursor stands for, or undefined when it is not one of ours. */
export function decodeJobCursor(cursor: string): string | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return parsed.success ? parsed.data.after : undefined;
  } catch {
    return undefined;
  }
}
