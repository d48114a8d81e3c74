import Router from "@koa/router";
import { z } from "zod";
import { NotFound } from "@orch/core";
import type { SessionStore } from "@orch/queue";
import type { AppState } from "../app-state.js";
import { sessionIdSchema } from "../jobs/job-request-schema.js";
import { validate } from "../validate.js";

/** GET /sessions/:id/messages: the conversation a session has built, for its owner only. */
export function sessionsRouter(deps: { readonly sessions: SessionStore }): Router<AppState> {
  const router = new Router<AppState>();
  const params = z.object({ id: sessionIdSchema });
  router.get("/sessions/:id/messages", async (ctx) => {
    const { id } = validate(params, ctx.params, "path");
    const owner = ctx.state.principal!.owner;
    if (!(await deps.sessions.exists(owner, id))) {
      throw new NotFound(
        `No session ${id} for this token; sessions are only visible to the token that created them.`,
      );
    }
    const messages = await deps.sessions.messages(owner, id);
    ctx.body = { session_id: id, messages };
  });
  return router;
}
