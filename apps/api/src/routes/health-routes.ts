import type { RedisClient } from "@orch/queue";
import type { AppState } from "../app-state.js";
import type { ApiRoute } from "../contract/api-route.js";
import { jsonResponse } from "../contract/responses.js";

/** Liveness (the process answers) and readiness (Redis answers within a second). */
export function healthRoutes(redis: RedisClient): ApiRoute<AppState>[] {
  return [
    {
      method: "get",
      path: "/healthz",
      operationId: "health",
      tags: ["operations"],
      summary: "Liveness: the process answers",
      security: "none",
      responses: { "200": jsonResponse("Alive", "Health") },
      handler: (ctx) => {
        ctx.body = { status: "ok" };
      },
    },
    {
      method: "get",
      path: "/readyz",
      operationId: "readiness",
      tags: ["operations"],
      summary: "Readiness: Redis answers within a second",
      security: "none",
      responses: {
        "200": jsonResponse("Ready", "Readiness"),
        "503": jsonResponse("Redis is not reachable", "Readiness"),
      },
      handler: async (ctx) => {
        const started = performance.now();
        const ok = await Promise.race([
          redis.ping().then(
            (r) => r === "PONG",
            () => false,
          ),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref()),
        ]);
        ctx.status = ok ? 200 : 503;
        ctx.body = {
          status: ok ? "ready" : "unavailable",
          redis: ok ? "ok" : "unreachable",
          redis_ms: Math.round(performance.now() - started),
        };
      },
    },
  ];
}
