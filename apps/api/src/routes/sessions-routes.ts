import { z } from "zod";
import { NotFound } from "@orch/core";
import type { SessionStore } from "@orch/queue";
import type { AuthedState } from "../app-state.js";
import type { ApiRoute } from "../contract/api-route.js";
import { jsonResponse } from "../contract/responses.js";
import { sessionIdSchema } from "../jobs/job-request-schema.js";
import { validate } from "../validate.js";

const params = z.object({ id: sessionIdSchema });

/** GET /sessions/:id/messages: the conversation a session has built, for its owner only. */
export function sessionsRoutes(deps: { readonly sessions: SessionStore }): ApiRoute<AuthedState>[] {
  return [
    {
      method: "get",
      path: "/sessions/:id/messages",
      operationId: "getSessionMessages",
      tags: ["sessions"],
      summary: "The conversation a session has built, oldest first",
      params: { path: params },
      paramDocs: { id: { description: "The session_id given with the jobs." } },
      responses: {
        "200": jsonResponse("The messages", "SessionMessages"),
        "400": "InvalidRequest",
        "404": "NotFound",
      },
      handler: async (ctx) => {
        const { id } = validate(params, ctx.params, "path");
        const owner = ctx.state.principal.owner;
        if (!(await deps.sessions.exists(owner, id))) {
          throw new NotFound(
            `No session ${id} for this token; sessions are only visible to the token that created them.`,
          );
        }
        const messages = await deps.sessions.messages(owner, id);
        ctx.body = { session_id: id, messages };
      },
    },
  ];
}
