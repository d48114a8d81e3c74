import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { KoaAdapter } from "@bull-board/koa";
import type { Queue } from "bullmq";
import type { Middleware } from "koa";
import type { ApiToken } from "@orch/config";
import type { AppState } from "../app-state.js";
import { admitAdmin } from "./admin-auth.js";

export interface BullBoardOptions {
  readonly queues: readonly Queue[];
  readonly tokens: readonly ApiToken[];
  readonly readOnly: boolean;
  readonly basePath?: string;
}

/** Bull Board's page links a web font; this service often runs offline, so the page goes without. */
const REMOTE_FONTS = /<link[^>]+fonts\.googleapis\.com[^>]*>/g;

/**
 * Bull Board at `/admin/queues`, for admin tokens only. Bull Board has no auth of its own, so the
 * gate runs first; requests under the base path never reach the API's auth or JSON body parser
 * (Bull Board parses its own bodies), and nothing under it falls through to the API's routes.
 */
export function bullBoard(options: BullBoardOptions): Middleware<AppState> {
  const basePath = options.basePath ?? "/admin/queues";
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
  const board = serverAdapter.registerPlugin() as unknown as Middleware<AppState>;

  return async (ctx, next) => {
    if (ctx.path !== basePath && !ctx.path.startsWith(`${basePath}/`)) {
      await next();
      return;
    }
    // A route label for the HTTP metrics, like the API's routers set.
    (ctx as { _matchedRoute?: string })._matchedRoute = `${basePath}/*`;
    if (!admitAdmin(ctx, options.tokens, "Bull Board")) return;
    // Nothing under the base path falls through to the API's routes.
    await board(ctx, () => Promise.resolve());
    if (typeof ctx.body === "string" && ctx.response.is("html")) {
      ctx.body = ctx.body.replace(REMOTE_FONTS, "");
    }
  };
}
