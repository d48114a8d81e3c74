import type { z } from "zod";
import { InvalidRequest } from "@orch/core";

/** Parses `input` with `schema`, or throws a 400 naming each offending field and what it must be. */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: "body" | "query" | "path" | "header",
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : where;
    return { field, message: issue.message };
  });
  const first = errors[0];
  const detail =
    input === undefined && where === "body"
      ? "The request needs a JSON object body with Content-Type: application/json."
      : first
        ? `${where === "body" ? "" : `${where} `}${first.field}: ${first.message}` +
          (errors.length > 1 ? ` (and ${errors.length - 1} more)` : "")
        : `invalid ${where}`;
  throw new InvalidRequest(detail, { errors });
}
