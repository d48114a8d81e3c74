import { z } from "zod";
import { InvalidRequest } from "@orch/core";

type Where = "body" | "query" | "path" | "header";

/** A field error: the field's dotted path and a sentence that names it and says what it must be. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

const BODY_EXAMPLE = '{"service_id": "web-app", "user_message": "How is web-app doing?"}';

/** "a string", "null", "an array": what a client sent, in words. */
function described(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return type === "object" ? "an object" : `a ${type}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  int: "a whole number",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "an object",
  array: "an array",
};

/** The field names of the object schema at `path`, for saying which fields a request takes. */
function fieldsAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType = schema;
  for (const key of path) {
    while (node instanceof z.ZodOptional || node instanceof z.ZodNullable) node = node.unwrap() as z.ZodType;
    if (!(node instanceof z.ZodObject)) return [];
    const next = (node.shape as Record<string, z.ZodType>)[String(key)];
    if (!next) return [];
    node = next;
  }
  while (node instanceof z.ZodOptional || node instanceof z.ZodNullable) node = node.unwrap() as z.ZodType;
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

/** zod's issue as a sentence naming the field, for every issue whose schema has no message of its own. */
function sentence(issue: z.core.$ZodRawIssue, field: string, atRoot: boolean, where: Where): string {
  const input = issue.input;
  switch (issue.code) {
    case "invalid_type":
      if (atRoot && where === "body") {
        return `The body must be a JSON object such as ${BODY_EXAMPLE}, not ${described(input)}.`;
      }
      if (input === undefined) return `${field} is required.`;
      return `${field} must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${described(input)}.`;
    case "too_big":
      if (issue.origin === "string") {
        return `${field} must be at most ${String(issue.maximum)} characters (it has ${String((input as string).length)}).`;
      }
      return `${field} must be at most ${String(issue.maximum)}.`;
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) <= 1
          ? `${field} must not be empty.`
          : `${field} must be at least ${String(issue.minimum)} characters.`;
      }
      return `${field} must be at least ${String(issue.minimum)}.`;
    case "invalid_value":
      return `${field} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}.`;
    case "invalid_format":
      return `${field} must be a valid ${issue.format}.`;
    default:
      return `${field} is not valid.`;
  }
}

/**
 * Parses `input` with `schema`, or throws a 400 whose `errors` name each offending field with a
 * sentence saying what it must be; the detail is the first of them.
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown, where: Where): z.infer<S> {
  const fieldName = (path: readonly PropertyKey[] | undefined) =>
    path && path.length > 0 ? path.map(String).join(".") : where;
  const result = schema.safeParse(input, {
    error: (issue) => sentence(issue, fieldName(issue.path), (issue.path ?? []).length === 0, where),
  });
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.flatMap((issue): FieldError[] => {
    if (issue.code !== "unrecognized_keys") return [{ field: fieldName(issue.path), message: issue.message }];
    // One error per unknown key, each naming the fields that are taken there.
    const known = fieldsAt(schema, issue.path);
    const takes = known.length > 0 ? `; the fields here are ${known.join(", ")}` : "";
    return issue.keys.map((key) => {
      const field = fieldName([...issue.path, key]);
      return { field, message: `${field} is not a field of this request${takes}.` };
    });
  });
  const first = errors[0];
  const detail =
    input === undefined && where === "body"
      ? "The request needs a JSON object body with Content-Type: application/json."
      : first
        ? first.message + (errors.length > 1 ? ` (and ${errors.length - 1} more)` : "")
        : `The ${where} is not valid.`;
  throw new InvalidRequest(detail, { errors });
}
