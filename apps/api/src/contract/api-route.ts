import Router from "@koa/router";
import type { Context, Middleware } from "koa";
import type { z } from "zod";
import type { AppState } from "../app-state.js";

/** A JSON object of the OpenAPI document. */
export type JsonObject = { [key: string]: unknown };

/** How a route is authenticated, as the OpenAPI document states it. */
export type RouteSecurity = "bearer" | "none" | "webhook-secret";

/** A request parameter's documentation: its name as clients spell it (headers) and what it means. */
export interface ParamDoc {
  readonly name?: string;
  readonly description: string;
}

/**
 * One route of the HTTP API: its handler and everything the OpenAPI document says about it. The
 * router and the document are both built from these, so a route cannot exist undocumented, and
 * the parameters it validates are the ones the document shows.
 */
export interface ApiRoute<S extends AppState = AppState> {
  readonly method: "get" | "post" | "put" | "delete";
  /** Koa's path syntax: `/jobs/:id`. */
  readonly path: string;
  readonly operationId: string;
  readonly tags: readonly string[];
  readonly summary: string;
  readonly description?: string;
  /** Default "bearer". */
  readonly security?: RouteSecurity;
  /** The schemas the handler validates its path, query and headers with. */
  readonly params?: {
    readonly path?: z.ZodObject;
    readonly query?: z.ZodObject;
    readonly header?: z.ZodObject;
  };
  readonly paramDocs?: Readonly<Record<string, ParamDoc>>;
  /** The JSON body: its component name in the document, its schema and an example. */
  readonly body?: { readonly component: string; readonly schema: z.ZodType; readonly example?: unknown };
  /**
   * Every status the route answers with: a response object, or the name of a shared problem
   * response (components.responses). Statuses every authenticated route shares are added.
   */
  readonly responses: Readonly<Record<string, JsonObject | string>>;
  /** Middleware run before the handler on this route only (its own authentication, body parser). */
  readonly before?: readonly Middleware<S>[];
  readonly handler: (ctx: Context & { state: S }) => Promise<void> | void;
}

/** A router serving `routes` (and answering 405 with Allow on their paths for other methods). */
export function routerOf<S extends AppState>(routes: readonly ApiRoute<S>[]): Router<S> {
  // Strict: "/jobs/" is not "/jobs" (an empty job id is a missing job, not the list).
  const router = new Router<S>({ strict: true });
  for (const route of routes) {
    const handle: Middleware<S> = async (ctx) => {
      await route.handler(ctx);
    };
    router.register(route.path, [route.method], [...(route.before ?? []), handle] as never, {
      name: route.operationId,
    });
  }
  return router;
}
