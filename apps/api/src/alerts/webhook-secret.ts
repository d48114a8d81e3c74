import { createHash, timingSafeEqual } from "node:crypto";
import type { Middleware } from "koa";
import { AppError } from "@orch/core";
import type { AlertIntegration } from "@orch/config";
import type { AppState } from "../app-state.js";
import type { AuthFailureLimit } from "../ops/auth-failure-limit.js";

/** The header Datadog sends the integration's secret in (a custom header of the webhook). */
export const SECRET_HEADER = "X-Orchestrator-Webhook-Secret";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** `ctx.state` of an intake route: the integration the secret matched. */
export interface IntakeState extends AppState {
  integration: AlertIntegration;
}

/**
 * Admits a request whose secret header matches one of `integrations`, comparing digests of every
 * entry in constant time; the integration's owner becomes the request's principal. Secrets that
 * match none count against the client's address, as bearer tokens do.
 */
export function webhookSecret(
  integrations: readonly AlertIntegration[],
  failures: AuthFailureLimit,
): Middleware<IntakeState> {
  const known = integrations.map((integration) => ({ integration, digest: digest(integration.secret) }));
  return async (ctx, next) => {
    const presented = ctx.get(SECRET_HEADER);
    if (!presented) {
      throw new AppError(
        "unauthorized",
        `Missing ${SECRET_HEADER}; add it to the Datadog webhook's custom headers with the integration's secret.`,
      );
    }
    const candidate = digest(presented);
    let found: AlertIntegration | undefined;
    for (const entry of known) {
      if (timingSafeEqual(candidate, entry.digest) && !found) found = entry.integration;
    }
    await failures.check(
      ctx.ip,
      found ? { token: "", owner: found.owner, name: found.name, admin: false } : undefined,
    );
    if (!found) throw new AppError("unauthorized", `${SECRET_HEADER} matches no alerts.datadog integration.`);
    ctx.state.integration = found;
    ctx.state.principal = { owner: found.owner, name: `datadog:${found.name}`, admin: false };
    await next();
  };
}
