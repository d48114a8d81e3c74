import type { Registry } from "prom-client";
import type { ApiToken } from "@orch/config";
import { AppError } from "@orch/core";
import type { AppState } from "../app-state.js";
import type { ApiRoute } from "../contract/api-route.js";
import { textResponse } from "../contract/responses.js";
import { matchToken } from "../middleware/authenticate.js";
import type { AuthFailureLimit } from "./auth-failure-limit.js";

export interface MetricsRouterDeps {
  readonly registry: Registry;
  readonly tokens: readonly ApiToken[];
  /** metrics.token: a scrape-only token. */
  readonly scrapeToken?: string | undefined;
  /** Counts tokens that match none against the client's address. */
  readonly failures: AuthFailureLimit;
}

/** GET /metrics in Prometheus text format, for the scrape token or an admin API token. */
export function metricsRoutes(deps: MetricsRouterDeps): ApiRoute<AppState>[] {
  const scraper: ApiToken | undefined = deps.scrapeToken
    ? { token: deps.scrapeToken, owner: "metrics", name: "metrics-scraper", admin: false }
    : undefined;
  const accepted = scraper ? [scraper, ...deps.tokens] : deps.tokens;

  const route: ApiRoute<AppState> = {
    method: "get",
    path: "/metrics",
    operationId: "metrics",
    tags: ["operations"],
    summary: "Prometheus metrics",
    description: "Needs metrics.token or an admin API token; or scrape metrics.port, which needs none.",
    responses: {
      "200": textResponse("Prometheus text format", "text/plain"),
      "401": "Unauthorized",
      "403": "Forbidden",
      "429": "AuthFailuresLimited",
    },
    handler: async (ctx) => {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get("Authorization"));
      if (!match?.[1]) {
        throw new AppError(
          "unauthorized",
          "GET /metrics needs 'Authorization: Bearer <token>': the metrics token or an admin API token.",
        );
      }
      const entry = matchToken(accepted, match[1]);
      await deps.failures.check(ctx.ip, entry);
      if (!entry) throw new AppError("unauthorized", "The bearer token is not valid.");
      if (entry !== scraper && !entry.admin) {
        throw new AppError(
          "forbidden",
          "Metrics need the metrics token (metrics.token) or an admin API token.",
        );
      }
      ctx.type = deps.registry.contentType;
      ctx.body = await deps.registry.metrics();
    },
  };
  return [route];
}
