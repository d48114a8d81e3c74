import { bodyParser } from "@koa/bodyparser";
import type { Middleware } from "koa";
import { AppError } from "@orch/core";
import type { AppState } from "../app-state.js";

/**
 * JSON bodies only: other content types on POST are a 415, bodies over the limit a 413,
 * malformed JSON a 400 — each with a message saying what to send instead.
 */
export function jsonBody(limitBytes: number): Middleware<AppState> {
  const parse = bodyParser({
    enableTypes: ["json"],
    jsonLimit: limitBytes,
    encoding: "utf-8",
    onError: (error) => {
      const status = (error as { status?: number }).status;
      if (status === 413) {
        throw new AppError(
          "payload_too_large",
          `The request body exceeds ${Math.round(limitBytes / 1024)} KiB; send a smaller JSON body.`,
        );
      }
      if (status === 415)
        throw new AppError("unsupported_media_type", "Unsupported charset; send UTF-8 JSON.");
      throw new AppError("invalid_request", "The body is not valid JSON; check quotes, commas and brackets.");
    },
  }) as unknown as Middleware<AppState>;
  return async (ctx, next) => {
    if (ctx.method === "POST" || ctx.method === "PUT" || ctx.method === "PATCH") {
      const length = Number(ctx.get("Content-Length") || "0");
      if (length > limitBytes) {
        throw new AppError(
          "payload_too_large",
          `The request body exceeds ${Math.round(limitBytes / 1024)} KiB; send a smaller JSON body.`,
        );
      }
      if ((ctx.request.length ?? 0) > 0 || ctx.get("Transfer-Encoding")) {
        if (!ctx.is("application/json", "application/*+json")) {
          throw new AppError(
            "unsupported_media_type",
            "Send the body as JSON with 'Content-Type: application/json'.",
          );
        }
      }
      if ((ctx.request.length ?? 0) === 0 && !ctx.get("Transfer-Encoding")) {
        // No body at all: leave it undefined so validation says a JSON object is required.
        await next();
        return;
      }
    }
    await parse(ctx, next);
  };
}
