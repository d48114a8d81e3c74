import { hash } from "node:crypto";
import type { Middleware } from "koa";
import { AppError } from "@orch/core";
import type { ApiToken } from "@orch/config";
import type { AppState } from "../app-state.js";
import type { AuthFailureLimit } from "../ops/auth-failure-limit.js";

const digest = (text: string) => hash("sha256", text, "base64");

/** Each token list's entries by the digest of their token, built once per list. */
const INDEXES = new WeakMap<readonly ApiToken[], ReadonlyMap<string, ApiToken>>();

function indexOf(tokens: readonly ApiToken[]): ReadonlyMap<string, ApiToken> {
  let index = INDEXES.get(tokens);
  if (!index) {
    // The first entry of a token listed twice wins: reversed, it is the last one set.
    index = new Map([...tokens].reverse().map((entry) => [digest(entry.token), entry]));
    INDEXES.set(tokens, index);
  }
  return index;
}

/**
 * Finds the token entry matching `presented` by the SHA-256 digest of both: one lookup however
 * many tokens are configured. The lookup compares digests, not tokens, so its timing tells
 * nothing about how much of a guessed token was right.
 */
export function matchToken(tokens: readonly ApiToken[], presented: string): ApiToken | undefined {
  return indexOf(tokens).get(digest(presented));
}

/**
 * Requires `Authorization: Bearer <token>` and records the caller as `ctx.state.principal`. Tokens
 * that match none count against the client's address (`failures`), which past its limit gets 429.
 */
export function authenticate(tokens: readonly ApiToken[], failures: AuthFailureLimit): Middleware<AppState> {
  return async (ctx, next) => {
    const header = ctx.get("Authorization");
    if (!header) {
      throw new AppError(
        "unauthorized",
        "Missing Authorization header; send 'Authorization: Bearer <token>'.",
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new AppError("unauthorized", "Malformed Authorization header; the form is 'Bearer <token>'.");
    }
    const entry = matchToken(tokens, match[1]);
    await failures.check(ctx.ip, entry);
    if (!entry) throw new AppError("unauthorized", "The bearer token is not valid.");
    ctx.state.principal = { owner: entry.owner, name: entry.name, admin: entry.admin };
    await next();
  };
}
