import type { Context } from "koa";
import type { ApiToken } from "@orch/config";
import { AppError } from "@orch/core";
import type { AppState } from "../app-state.js";
import { matchToken } from "../middleware/authenticate.js";
import { problemOf, respondWithProblem } from "../middleware/problem.js";
import type { AuthFailureLimit } from "./auth-failure-limit.js";

/** The token a request presents: `Bearer <token>`, or HTTP Basic with the token as password (or as user name). */
function presentedToken(header: string): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer?.[1]) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  const password = decoded.slice(colon + 1);
  return password !== "" ? password : decoded.slice(0, colon) || undefined;
}

/**
 * Lets admin tokens through and answers everyone else: 401 with a Basic challenge (so a browser
 * shows its login dialog: any user name, an admin token as password), 403 for a valid token
 * without the admin role. Returns whether the request may proceed.
 *
 * It answers 401 and 403 itself rather than throwing, because the error handler's challenge is
 * Bearer and a browser only prompts for Basic. Tokens that match none count against the client's
 * address, as on the API.
 */
export async function admitAdmin(
  ctx: Context & { state: AppState },
  tokens: readonly ApiToken[],
  realm: string,
  failures: AuthFailureLimit,
): Promise<boolean> {
  const header = ctx.get("Authorization");
  const token = header ? presentedToken(header) : undefined;
  const entry = token ? matchToken(tokens, token) : undefined;
  // Past the limit of failed attempts this throws a 429 (the error handler answers it).
  if (token !== undefined) await failures.check(ctx.ip, entry);
  if (entry?.admin) {
    ctx.state.principal = { owner: entry.owner, name: entry.name, admin: true };
    ctx.state.log = ctx.state.log.child({ client: entry.name });
    return true;
  }
  const denied = entry
    ? new AppError(
        "forbidden",
        `The token "${entry.name}" is not an admin token; ${realm} needs one with ;role=admin in API_TOKENS.`,
      )
    : new AppError(
        "unauthorized",
        header
          ? "The credentials are not valid; sign in with any user name and an admin API token as the password."
          : `${realm} needs an admin API token: sign in with any user name and the token as the password.`,
      );
  respondWithProblem(ctx, problemOf(denied));
  if (!entry) ctx.set("WWW-Authenticate", `Basic realm="${realm}", charset="UTF-8"`);
  return false;
}
