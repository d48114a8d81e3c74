import type { ParameterizedContext } from "koa";
import type { AppError, ErrorCode } from "@orch/core";
import type { AppState } from "../app-state.js";

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

/** The problem document of a typed error: its code, message and details. */
export function problemOf(error: AppError): Problem {
  return problem(error.code, error.message, error.details);
}

/**
 * Answers the request with `body` as `application/problem+json`, naming the path and the request
 * id. Every error the API answers through Koa is written here.
 */
export function respondWithProblem(ctx: ParameterizedContext<AppState>, body: Problem): void {
  ctx.status = body.status;
  ctx.type = "application/problem+json";
  ctx.body = { ...body, instance: ctx.path, request_id: ctx.state.requestId };
}

/**
 * A whole HTTP/1.1 response carrying a problem document, for refusals written to the socket
 * before Koa sees a request (headers too large, too slow, not HTTP). `status` and `title` may be
 * ones no error code maps to (408, 431).
 */
export function rawProblemResponse(code: ErrorCode, detail: string, status: number, title: string): string {
  const body = JSON.stringify({ ...problem(code, detail), status, title });
  return (
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}
