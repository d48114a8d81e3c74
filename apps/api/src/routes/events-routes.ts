import { isTerminal } from "@orch/core";
import { readJobEvents, type JobEvents, type JobStore, type RedisClient } from "@orch/queue";
import type { AuthedState } from "../app-state.js";
import type { ApiRoute } from "../contract/api-route.js";
import { emptyResponse, textResponse } from "../contract/responses.js";
import type { JobService } from "../jobs/job-service.js";
import { eventsHeadersSchema, eventsQuerySchema, jobIdParamsSchema } from "../jobs/job-request-schema.js";
import { validate } from "../validate.js";
import { JobEventStream } from "./job-event-stream.js";

export interface EventsRouterDeps {
  readonly jobs: JobService;
  readonly store: JobStore;
  readonly events: JobEvents;
  readonly redis: RedisClient;
  readonly heartbeatMs: number;
  /** Fires when the server shuts down: open streams end and clients reconnect elsewhere. */
  readonly closing?: AbortSignal;
}

/**
 * GET /jobs/:id/events: the job's events as Server-Sent Events, from the start or after
 * Last-Event-ID, ending with an `end` event that carries the job view (result or error).
 */
export function eventsRoutes(deps: EventsRouterDeps): ApiRoute<AuthedState>[] {
  const route: ApiRoute<AuthedState> = {
    method: "get",
    path: "/jobs/:id/events",
    operationId: "streamJobEvents",
    tags: ["jobs"],
    summary: "The job's events as Server-Sent Events",
    description:
      "One event per phase transition and step, ending with an `end` event that carries the job view. " +
      "Resumable: send Last-Event-ID (EventSource does) or `?last_event_id=`.",
    params: { path: jobIdParamsSchema, query: eventsQuerySchema, header: eventsHeadersSchema },
    paramDocs: {
      id: { description: "The job id returned by POST /jobs." },
      last_event_id: { description: "Resume after this event id (for clients that cannot send the header)." },
      "last-event-id": {
        name: "Last-Event-ID",
        description: "Resume after this event id (EventSource sends it on reconnect).",
      },
    },
    responses: {
      "200": textResponse(
        "An event stream",
        "text/event-stream",
        'id: 1718000000000-0\nevent: status\ndata: {"status":"planning"}\n\n',
      ),
      "204": emptyResponse("Resumed after the final event: nothing more will come"),
      "400": "InvalidRequest",
      "404": "NotFound",
    },
    handler: async (ctx) => {
      const { id } = validate(jobIdParamsSchema, ctx.params, "path");
      const query = validate(eventsQuerySchema, ctx.query, "query");
      const headers = validate(
        eventsHeadersSchema,
        { "last-event-id": ctx.get("Last-Event-ID") || undefined },
        "header",
      );
      const job = await deps.jobs.get(ctx.state.principal, id);
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
    },
  };
  return [route];
}
