import Router from "@koa/router";
import type { Redis } from "ioredis";
import type { AppState } from "../app-state.js";

/** Liveness (the process answers) and readiness (Redis answers within a second). */
export function healthRouter(redis: Redis): Router<AppState> {
  const router = new Router<AppState>();
  router.get("/healthz", (ctx) => {
    ctx.body = { status: "ok" };
  });
  router.get("/readyz", async (ctx) => {
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
  });
  return router;
}
