import type { ErrorCode } from "@orch/core";

/** HTTP status of each error code; the only place that decides it. */
export const STATUS_OF: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  scope_violation: 400,
  upstream_error: 502,
  upstream_auth: 502,
  upstream_timeout: 504,
  deadline_exceeded: 504,
  cancelled: 409,
  unavailable: 503,
  config_error: 500,
  internal: 500,
};

const TITLES: Readonly<Partial<Record<ErrorCode, string>>> = {
  invalid_request: "Invalid request",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  unprocessable: "Unprocessable request",
  rate_limited: "Too many requests",
  unavailable: "Service unavailable",
  internal: "Internal error",
};

/** An RFC 9457 problem document. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ErrorCode;
  readonly instance?: string;
  readonly request_id?: string;
  readonly [extra: string]: unknown;
}

export function problem(code: ErrorCode, detail: string, extra: Record<string, unknown> = {}): Problem {
  // Extra members never override the standard ones (a detail named "status" must not change the status).
  return {
    ...extra,
    type: `https://github.com/ai-orchestrator/ai-orchestrator/blob/main/docs/errors.md#${code}`,
    title: TITLES[code] ?? code.replace(/_/g, " "),
    status: STATUS_OF[code],
    detail,
    code,
  };
}
