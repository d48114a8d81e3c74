import { randomUUID } from "node:crypto";
import type { Middleware } from "koa";
import type { Logger } from "pino";
import type { AppState } from "../app-state.js";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const QUIET_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * Gives each request an id (the caller's X-Request-Id when it is sane, else a new one), a child
 * logger bound to it, and one log line when the response is sent.
 */
export function requestContext(
  log: Logger,
  onResponse?: (route: string, method: string, status: number, ms: number) => void,
): Middleware<AppState> {
  return async (ctx, next) => {
    const incoming = ctx.get("X-Request-Id");
    const requestId = SAFE_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    // Built on first use: most requests log one line at most, and a child logger costs allocations.
    let child: Logger | undefined;
    Object.defineProperty(ctx.state, "log", {
      get: () => (child ??= log.child({ requestId })),
      set: (value: Logger) => {
        child = value;
      },
      enumerable: true,
      configurable: true,
    });
    ctx.set("X-Request-Id", requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const route = (ctx as { routerPath?: string; _matchedRoute?: string })._matchedRoute ?? "unmatched";
      onResponse?.(String(route), ctx.method, ctx.status, ms);
      // Probes and scrapes arrive every few seconds: log them only at debug.
      const level = ctx.status >= 500 ? "error" : QUIET_PATHS.has(ctx.path) ? "debug" : "info";
      if (log.isLevelEnabled(level)) {
        const client = ctx.state.principal?.name;
        ctx.state.log[level](
          { method: ctx.method, path: ctx.path, status: ctx.status, ms, ...(client ? { client } : {}) },
          "request",
        );
      }
    }
  };
}
