import type { Middleware } from "koa";
import { AppError } from "@orch/core";
import type { AppState } from "../app-state.js";
import { problem, problemOf, respondWithProblem, STATUS_OF, type Problem } from "./problem.js";

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/** Errors thrown by Koa itself or its body parser carry an HTTP status; map them to our codes. */
function fromHttpError(error: HttpishError): Problem | undefined {
  const status = error.status ?? error.statusCode;
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (status === 413 || error.type === "entity.too.large") {
    return problem(
      "payload_too_large",
      "The request body is larger than the limit; send at most 64 KiB of JSON.",
    );
  }
  if (status === 415) return problem("unsupported_media_type", "Send the body as application/json.");
  if (error.type === "entity.parse.failed" || /json|unexpected token|parse/i.test(error.message ?? "")) {
    return problem("invalid_request", "The body is not valid JSON; check quotes, commas and brackets.");
  }
  if (status === 400)
    return problem("invalid_request", error.expose && error.message ? error.message : "Bad request.");
  if (status === 404) return problem("not_found", "No such route.");
  if (status === 405) return problem("method_not_allowed", "Method not allowed on this route.");
  return undefined;
}

// The second line: a Sentinel or Cluster failover in progress (a moved slot, a demoted master,
// no master yet), which passes like an outage.
const REDIS_DOWN = new RegExp(
  [
    "Connection is closed|Stream isn't writeable|enableOfflineQueue|Command timed out|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|max retries per request",
    "^MOVED \\d|^ASK \\d|CLUSTERDOWN|^TRYAGAIN|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available|^READONLY |MASTERDOWN|^LOADING |All sentinels are unreachable",
  ].join("|"),
  "i",
);

/** ioredis failures that mean the store is out of reach (not a bug): the client should retry. */
function redisUnavailable(error: unknown): Problem | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (
    error.name !== "MaxRetriesPerRequestError" &&
    !REDIS_DOWN.test(`${error.message} ${typeof code === "string" ? code : ""}`)
  ) {
    return undefined;
  }
  return problem("unavailable", "The job store (Redis) is not reachable right now; retry in a few seconds.", {
    retry_after_seconds: 5,
  });
}

/**
 * The one place errors become responses: AppErrors by their code, HTTP errors by their status,
 * anything else a 500 whose body says nothing internal (the log has the details).
 */
export function errorHandler(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) {
        const allow = ctx.response.get("Allow");
        throw new AppError(
          "method_not_allowed",
          `${ctx.method} is not allowed on ${ctx.path}${allow ? `; use ${allow}` : ""}.`,
        );
      }
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new AppError("not_found", `No route ${ctx.method} ${ctx.path}; see /docs for the API.`);
      }
    } catch (error) {
      let body: Problem;
      if (error instanceof AppError) {
        body = problemOf(error);
      } else {
        body =
          fromHttpError(error as HttpishError) ??
          redisUnavailable(error) ??
          problem("internal", "Something went wrong on our side; the request id identifies it in the logs.");
        if (body.status >= 500) ctx.state.log?.error({ err: error }, "unhandled error");
      }
      // Load shed by admission control is the service working as meant, not a failure to log.
      if (error instanceof AppError && STATUS_OF[error.code] >= 500 && !isShed(error))
        ctx.state.log?.error({ err: error }, "request failed");
      respondWithProblem(ctx, body);
      if (body.status === 401) ctx.set("WWW-Authenticate", 'Bearer realm="ai-orchestrator"');
      const retryAfter =
        (error as { details?: { retry_after_seconds?: number } }).details?.retry_after_seconds ??
        (typeof body.retry_after_seconds === "number" ? body.retry_after_seconds : undefined);
      if ((body.status === 429 || body.status === 503) && retryAfter !== undefined) {
        ctx.set("Retry-After", String(retryAfter));
      }
    }
  };
}

/** A refusal by admission control: a 503 by design, with a reason and Retry-After. */
function isShed(error: AppError): boolean {
  const reason = error.details.reason;
  return reason === "queued_jobs" || reason === "redis_memory" || reason === "start_after_deadline";
}
