import { createHash, timingSafeEqual } from "node:crypto";
import type { Middleware } from "koa";
import { AppError } from "@orch/core";
import type { ApiToken } from "@orch/config";
import type { AppState } from "../app-state.js";
import type { AuthFailureLimit } from "../ops/auth-failure-limit.js";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Digests of the configured tokens, computed once per entry. */
const DIGESTS = new WeakMap<ApiToken, Buffer>();

function digestOf(entry: ApiToken): Buffer {
  let known = DIGESTS.get(entry);
  if (!known) {
    known = digest(entry.token);
    DIGESTS.set(entry, known);
  }
  return known;
}

/** Finds the token entry matching `presented`, comparing every entry in constant time. */
export function matchToken(tokens: readonly ApiToken[], presented: string): ApiToken | undefined {
  const candidate = digest(presented);
  let found: ApiToken | undefined;
  for (const entry of tokens) {
    // Compare digests (equal length) and keep scanning, so timing says nothing about which matched.
    if (timingSafeEqual(candidate, digestOf(entry)) && !found) found = entry;
  }
  return found;
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
