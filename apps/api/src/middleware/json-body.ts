import { bodyParser } from "@koa/bodyparser";
import type { Middleware } from "koa";
import { AppError } from "@orch/core";
import type { AppState } from "../app-state.js";

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
const UTF8 = new Set(["utf-8", "utf8"]);
/** What a decoder puts where bytes are not UTF-8; the body was not valid UTF-8 if it appears. */
const REPLACEMENT = "\uFFFD";

function tooLarge(limitBytes: number): AppError {
  return new AppError(
    "payload_too_large",
    `The request body exceeds ${Math.round(limitBytes / 1024)} KiB; send a smaller JSON body.`,
  );
}

/**
 * JSON bodies only, as UTF-8: another content type or charset, or bytes that are not UTF-8, are a
 * 415; bodies over the limit a 413; malformed JSON a 400 — each saying what to send instead.
 * `application/json` and any `application/*+json` type are read as JSON (gzip, deflate and br
 * bodies too). Any JSON value is accepted here: validation says when it is not the object a route
 * needs. Parsing is @koa/bodyparser's; the checks around it are ours.
 */
export function jsonBody(limitBytes: number): Middleware<AppState> {
  const parse = bodyParser({
    enableTypes: ["json"],
    // Merged into the defaults index by index, so application/json stays first.
    extendTypes: { json: ["application/json", "application/*+json"] },
    jsonStrict: false,
    jsonLimit: limitBytes,
    encoding: "utf-8",
    onError: (error) => {
      const status = (error as { status?: number }).status;
      if (status === 413) throw tooLarge(limitBytes);
      if (status === 415) {
        throw new AppError(
          "unsupported_media_type",
          "Send the JSON body as UTF-8 (charset=utf-8, or no charset).",
        );
      }
      throw new AppError("invalid_request", "The body is not valid JSON; check quotes, commas and brackets.");
    },
  }) as unknown as Middleware<AppState>;

  return async (ctx, next) => {
    const declared = ctx.request.length;
    const chunked = Boolean(ctx.get("Transfer-Encoding"));
    // Other methods' bodies are ignored; with no body at all the body stays undefined, so
    // validation says a JSON object is required.
    if (!BODY_METHODS.has(ctx.method) || (!chunked && !declared)) {
      await next();
      return;
    }
    if (declared !== undefined && declared > limitBytes) throw tooLarge(limitBytes);
    if (!ctx.is("application/json", "application/*+json")) {
      throw new AppError(
        "unsupported_media_type",
        "Send the body as JSON with 'Content-Type: application/json'.",
      );
    }
    const charset = ctx.request.charset.toLowerCase();
    if (charset && !UTF8.has(charset)) {
      throw new AppError(
        "unsupported_media_type",
        `The body is declared as charset=${charset}; send it as UTF-8 (charset=utf-8, or no charset).`,
      );
    }
    await parse(ctx, async () => {
      const raw = (ctx.request as { rawBody?: string }).rawBody;
      if (raw?.includes(REPLACEMENT)) {
        throw new AppError(
          "unsupported_media_type",
          "The body contains bytes that are not valid UTF-8; send the JSON encoded as UTF-8.",
        );
      }
      await next();
    });
  };
}
