/** Machine-readable error codes; the API maps each to an HTTP status in one place. */
export type ErrorCode =
  | "invalid_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "unprocessable"
  | "rate_limited"
  | "payload_too_large"
  | "unsupported_media_type"
  | "scope_violation"
  | "upstream_error"
  | "upstream_auth"
  | "upstream_timeout"
  | "deadline_exceeded"
  | "cancelled"
  | "unavailable"
  | "config_error"
  | "internal";

/** An error that is a value: a code for machines, a message for humans, optional details. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidRequest extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("invalid_request", message, details);
  }
}

export class NotFound extends AppError {
  constructor(message: string) {
    super("not_found", message);
  }
}

export class Conflict extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("conflict", message, details);
  }
}

/** A query or plan step that would read data outside the job's service. */
export class ScopeViolation extends AppError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("scope_violation", message, details);
  }
}

/** A failure of a service we call (Datadog, OpenAI, the backend). `retryable` drives backoff. */
export class UpstreamError extends AppError {
  constructor(
    code: "upstream_error" | "upstream_auth" | "upstream_timeout" | "rate_limited",
    message: string,
    readonly retryable: boolean,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, details, options);
  }
}

export class DeadlineExceeded extends AppError {
  constructor(message = "the job ran past its deadline") {
    super("deadline_exceeded", message);
  }
}

export class Cancelled extends AppError {
  constructor(message = "the job was cancelled") {
    super("cancelled", message);
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** A one-line description of any thrown value, safe to show (no stack). */
export function describeError(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === "string") return value;
  return "unknown error";
}
