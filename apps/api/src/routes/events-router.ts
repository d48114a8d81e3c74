import Router from "@koa/router";
import type { Redis } from "ioredis";
import { isTerminal } from "@orch/core";
import { readJobEvents, type JobEvents, type JobStore } from "@orch/queue";
import type { AppState } from "../app-state.js";
import type { JobService } from "../jobs/job-service.js";
import { eventsHeadersSchema, eventsQuerySchema, jobIdParamsSchema } from "../jobs/job-request-schema.js";
import { validate } from "../validate.js";
import { JobEventStream } from "./job-event-stream.js";

export interface EventsRouterDeps {
  readonly jobs: JobService;
  readonly store: JobStore;
  readonly events: JobEvents;
  readonly redis: Redis;
  readonly heartbeatMs: number;
  /** Fires when the server shuts down: open streams end and clients reconnect elsewhere. */
  readonly closing?: AbortSignal;
}

/**
 * GET /jobs/:id/events: the job's events as Server-Sent Events, from the start or after
 * Last-Event-ID, ending with an `end` event that carries the job view (result or error).
 */
export function eventsRouter(deps: EventsRouterDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get("/jobs/:id/events", async (ctx) => {
    const { id } = validate(jobIdParamsSchema, ctx.params, "path");
    const query = validate(eventsQuerySchema, ctx.query, "query");
    const headers = validate(
      eventsHeadersSchema,
      { "last-event-id": ctx.get("Last-Event-ID") || undefined },
      "header",
    );
    const job = await deps.jobs.get(ctx.state.principal!, id);
    const after = headers["last-event-id"] ?? query.last_event_id;

    // A client resuming after the final event gets 204, which tells EventSource to stop reconnecting.
    if (after && isTerminal(job.status) && (await readJobEvents(deps.redis, id, after, 1)).length === 0) {
      ctx.status = 204;
      return;
    }
    ctx.status = 200;
    ctx.respond = false;
    ctx.req.socket.setTimeout(0);
    const stream = new JobEventStream(
      {
        store: deps.store,
        events: deps.events,
        redis: deps.redis,
        heartbeatMs: deps.heartbeatMs,
        log: ctx.state.log,
      },
      ctx.res,
      id,
      after,
    );
    await stream.run(deps.closing);
  });
  return router;
}
