import type { Middleware } from "koa";
import { AppError } from "@orch/core";
import type { AppState } from "../app-state.js";

/**
 * 405 with `Allow` for a path one of `routers` serves, asked with a method none of its routes
 * takes. It runs before authentication, so `POST /healthz` is a 405 rather than a 401.
 */
/** What this middleware reads of a router: its layers' methods and path matchers. */
interface RouteLayers {
  readonly stack: ReadonlyArray<{ readonly methods: readonly string[]; match(path: string): boolean }>;
}

export function methodNotAllowed(routers: readonly RouteLayers[]): Middleware<AppState> {
  const layers = routers.flatMap((router) => router.stack).filter((layer) => layer.methods.length > 0);
  return async (ctx, next) => {
    const served = layers.filter((layer) => layer.match(ctx.path));
    if (served.length === 0 || served.some((layer) => layer.methods.includes(ctx.method))) {
      await next();
      return;
    }
    const allow = [...new Set(served.flatMap((layer) => layer.methods))];
    ctx.set("Allow", allow.join(", "));
    throw new AppError(
      "method_not_allowed",
      `${ctx.method} is not allowed on ${ctx.path}; use ${allow.join(", ")}.`,
    );
  };
}
