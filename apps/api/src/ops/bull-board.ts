import type { Queue } from "bullmq";
import type { Middleware } from "koa";
import { AppError } from "@orch/core";
import type { ApiToken } from "@orch/config";
import type { AppState } from "../app-state.js";
import { problemOf, respondWithProblem } from "../middleware/problem.js";
import { admitAdmin } from "./admin-auth.js";
import type { AuthFailureLimit } from "./auth-failure-limit.js";

export interface BullBoardOptions {
  readonly queues: readonly Queue[];
  readonly tokens: readonly ApiToken[];
  readonly readOnly: boolean;
  readonly basePath?: string;
  /** Counts credentials that match no token against the client's address. */
  readonly failures: AuthFailureLimit;
}

/** Bull Board's page links a web font; this service often runs offline, so the page goes without. */
const REMOTE_FONTS = /<link[^>]+fonts\.googleapis\.com[^>]*>/g;

/** Builds the board's Koa middleware; its packages load here, on the first admitted request. */
async function loadBoard(options: BullBoardOptions, basePath: string): Promise<Middleware<AppState>> {
  const [{ createBullBoard }, { BullMQAdapter }, { KoaAdapter }] = await Promise.all([
    import("@bull-board/api"),
    import("@bull-board/api/bullMQAdapter"),
    import("@bull-board/koa"),
  ]);
  const serverAdapter = new KoaAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: options.readOnly })),
    // @bull-board/koa pins its own copy of @bull-board/api; the adapter only carries the queues
    // to this copy's handlers, so the two declarations are the same shape.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]["serverAdapter"],
    options: {
      uiConfig: {
        boardTitle: "AI Orchestrator",
        hideDocsLink: true,
        miscLinks: [{ text: "API docs", url: "/docs" }],
      },
    },
  });
  return serverAdapter.registerPlugin();
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const CROSS_ORIGIN =
  "Bull Board accepts changes only from its own pages (the request came from another origin).";

/** The host of an `Origin` header, or undefined when it is not a URL (`null`, garbage). */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/**
 * Why a change must be refused, if it must. A browser re-sends cached Basic credentials with any
 * request, so a page elsewhere could make an admin's browser pause queues or add jobs with a form
 * post. Browsers send `Origin` (and `Sec-Fetch-Site`) on every cross-origin write, so a change
 * must come from this origin, or carry `X-Requested-With`, which no cross-site form or simple
 * request can set (OWASP's custom-request-header defence); one with none of them is refused too.
 */
function writeRefusal(ctx: Parameters<Middleware<AppState>>[0], readOnly: boolean): string | undefined {
  if (SAFE_METHODS.has(ctx.method)) return undefined;
  if (readOnly) {
    return "Bull Board is read-only here (admin.read_only): it shows queues and jobs but changes nothing.";
  }
  const fetchSite = ctx.get("Sec-Fetch-Site");
  if (fetchSite && fetchSite !== "same-origin") return CROSS_ORIGIN;
  const origin = ctx.get("Origin");
  if (origin) return originHost(origin) === ctx.host ? undefined : CROSS_ORIGIN;
  if (fetchSite === "same-origin" || ctx.get("X-Requested-With")) return undefined;
  return (
    "Bull Board accepts changes only from its own pages: send the Origin header of this server, " +
    "or X-Requested-With from a script."
  );
}

/**
 * Bull Board at `/admin/queues`, for admin tokens only. Bull Board has no auth of its own, so the
 * gate runs first; requests under the base path never reach the API's auth or JSON body parser
 * (Bull Board parses its own bodies), and nothing under it falls through to the API's routes.
 * The board (about 20 MB of packages) loads on the first admitted request, not at start-up.
 */
export function bullBoard(options: BullBoardOptions): Middleware<AppState> {
  const basePath = options.basePath ?? "/admin/queues";
  let board: Promise<Middleware<AppState>> | undefined;

  return async (ctx, next) => {
    if (ctx.path !== basePath && !ctx.path.startsWith(`${basePath}/`)) {
      await next();
      return;
    }
    // A route label for the HTTP metrics, like the API's routers set.
    (ctx as { _matchedRoute?: string })._matchedRoute = `${basePath}/*`;
    if (!(await admitAdmin(ctx, options.tokens, "Bull Board", options.failures))) return;
    const refusal = writeRefusal(ctx, options.readOnly);
    if (refusal) {
      respondWithProblem(ctx, problemOf(new AppError("forbidden", refusal)));
      return;
    }
    board ??= loadBoard(options, basePath);
    // Nothing under the base path falls through to the API's routes.
    await (
      await board
    )(ctx, () => Promise.resolve());
    if (typeof ctx.body === "string" && ctx.response.is("html")) {
      ctx.body = ctx.body.replace(REMOTE_FONTS, "");
    }
    // The board's page and files answer errors in its own shape (a refused path, a missing file);
    // its JSON API keeps that shape, which its page reads.
    if (ctx.status >= 400 && !ctx.path.startsWith(`${basePath}/api/`)) boardProblem(ctx);
  };
}

/** Bull Board's own error answer for its page or files, as the API's problem document. */
function boardProblem(ctx: Parameters<Middleware<AppState>>[0]): void {
  if (ctx.response.is("application/problem+json")) return;
  const status = ctx.status;
  const denied =
    status === 403
      ? new AppError("forbidden", `Bull Board does not serve ${ctx.path}.`)
      : status === 404
        ? new AppError("not_found", `Bull Board has no page or file at ${ctx.path}.`)
        : status === 405
          ? new AppError("method_not_allowed", `${ctx.method} is not allowed on ${ctx.path}.`)
          : status < 500
            ? new AppError("invalid_request", `Bull Board could not serve ${ctx.path}.`)
            : new AppError("internal", "Bull Board failed; the request id identifies it in the logs.");
  respondWithProblem(ctx, problemOf(denied));
}
