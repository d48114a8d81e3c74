/** A JSON object of the OpenAPI document. */
export type JsonObject = { [key: string]: unknown };

/** Parameter lists generated from the request schemas (see openApiDocument). */
export interface PathParameters {
  readonly jobId: JsonObject[];
  readonly sessionId: JsonObject[];
  readonly wait: JsonObject[];
  readonly idempotency: JsonObject[];
  readonly eventsQuery: JsonObject[];
  readonly eventsHeaders: JsonObject[];
}

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const requestId = { "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" } };

function json(
  description: string,
  schemaName: string,
  example?: unknown,
  headers: JsonObject = {},
): JsonObject {
  return {
    description,
    headers: { ...requestId, ...headers },
    content: {
      "application/json": { schema: schema(schemaName), ...(example !== undefined ? { example } : {}) },
    },
  };
}

const jobExample = {
  service_id: "api-gateway",
  user_message: "Investigate recent 5xx errors",
  session_id: "incident-4211",
  options: { timeframe: "6h" },
};

const acceptedExample = {
  job_id: "0m3k2x9aQ7Zb3kP1uVw2xYz",
  status: "queued",
  status_url: "/jobs/0m3k2x9aQ7Zb3kP1uVw2xYz",
  events_url: "/jobs/0m3k2x9aQ7Zb3kP1uVw2xYz/events",
  trace_url: "/jobs/0m3k2x9aQ7Zb3kP1uVw2xYz/trace",
};

const location = { Location: { description: "The job's status URL", schema: { type: "string" } } };

/** Every route of the API, by path and method. */
export function openApiPaths(p: PathParameters): JsonObject {
  const authed = { "401": ref("Unauthorized"), "429": ref("RateLimited") };
  return {
    "/jobs": {
      post: {
        operationId: "createJob",
        tags: ["jobs"],
        summary: "Submit a question as a job",
        description:
          "Records the job and queues its planning phase; answers at once with 202 and the URLs to follow it.",
        parameters: p.idempotency,
        requestBody: {
          required: true,
          content: { "application/json": { schema: schema("CreateJobRequest"), example: jobExample } },
        },
        responses: {
          "202": json("Accepted: the job is queued", "JobAccepted", acceptedExample, location),
          "400": ref("InvalidRequest"),
          ...authed,
          "409": ref("IdempotencyConflict"),
          "422": ref("IdempotencyMismatch"),
          "413": ref("PayloadTooLarge"),
          "415": ref("UnsupportedMediaType"),
          "503": ref("Unavailable"),
        },
      },
    },
    "/jobs/{id}": {
      get: {
        operationId: "getJob",
        tags: ["jobs"],
        summary: "A job's status, and its result or error once it ended",
        parameters: [...p.jobId, ...p.wait],
        responses: {
          "200": json("The job as it is (after the wait, if one was asked)", "JobView"),
          "400": ref("InvalidRequest"),
          ...authed,
          "404": ref("NotFound"),
        },
      },
      delete: {
        operationId: "cancelJob",
        tags: ["jobs"],
        summary: "Cancel a job that has not ended",
        description: "The job ends as `cancelled`; a running phase stops and cannot save its output.",
        parameters: p.jobId,
        responses: {
          "200": json("The cancelled job", "JobView"),
          ...authed,
          "404": ref("NotFound"),
          "409": ref("Conflict"),
        },
      },
    },
    "/jobs/{id}/trace": {
      get: {
        operationId: "getJobTrace",
        tags: ["jobs"],
        summary: "The full reasoning trace: plan, every step, usage",
        parameters: p.jobId,
        responses: { "200": json("The trace so far", "JobTrace"), ...authed, "404": ref("NotFound") },
      },
    },
    "/jobs/{id}/events": {
      get: {
        operationId: "streamJobEvents",
        tags: ["jobs"],
        summary: "The job's events as Server-Sent Events",
        description:
          "One event per phase transition and step, ending with an `end` event that carries the job view. " +
          "Resumable: send Last-Event-ID (EventSource does) or `?last_event_id=`.",
        parameters: [...p.jobId, ...p.eventsQuery, ...p.eventsHeaders],
        responses: {
          "200": {
            description: "An event stream",
            headers: requestId,
            content: {
              "text/event-stream": {
                schema: { type: "string" },
                example: 'id: 1718000000000-0\nevent: status\ndata: {"status":"planning"}\n\n',
              },
            },
          },
          "204": { description: "Resumed after the final event: nothing more will come" },
          "400": ref("InvalidRequest"),
          ...authed,
          "404": ref("NotFound"),
        },
      },
    },
    "/orchestrate": {
      post: {
        operationId: "orchestrate",
        tags: ["jobs"],
        summary: "Ask and wait for the answer (synchronous)",
        description:
          "Submits a job and waits up to orchestrator.timeout_seconds. Past that it answers 202 with the job id, so slow work is never lost.",
        parameters: p.idempotency,
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: schema("OrchestrateRequest"),
              example: {
                service_id: "api-gateway",
                session_id: "incident-4211",
                user_message: "Investigate recent 5xx errors",
              },
            },
          },
        },
        responses: {
          "200": json("The answer and a summary of the reasoning trace", "OrchestrateResponse"),
          "202": json("Still running: follow status_url", "JobAccepted", undefined, location),
          "400": ref("InvalidRequest"),
          ...authed,
          "409": ref("OrchestrateConflict"),
          "413": ref("PayloadTooLarge"),
          "415": ref("UnsupportedMediaType"),
          "422": ref("IdempotencyMismatch"),
          "500": ref("JobFailed"),
          "502": ref("JobFailed"),
          "503": ref("Unavailable"),
          "504": ref("JobFailed"),
        },
      },
    },
    "/sessions/{id}/messages": {
      get: {
        operationId: "getSessionMessages",
        tags: ["sessions"],
        summary: "The conversation a session has built, oldest first",
        parameters: p.sessionId,
        responses: { "200": json("The messages", "SessionMessages"), ...authed, "404": ref("NotFound") },
      },
    },
    "/healthz": {
      get: {
        operationId: "health",
        tags: ["operations"],
        summary: "Liveness: the process answers",
        security: [],
        responses: { "200": json("Alive", "Health") },
      },
    },
    "/readyz": {
      get: {
        operationId: "readiness",
        tags: ["operations"],
        summary: "Readiness: Redis answers within a second",
        security: [],
        responses: { "200": json("Ready", "Readiness"), "503": json("Redis is not reachable", "Readiness") },
      },
    },
    "/metrics": {
      get: {
        operationId: "metrics",
        tags: ["operations"],
        summary: "Prometheus metrics",
        description: "Needs metrics.token or an admin API token; or scrape metrics.port, which needs none.",
        responses: {
          "200": {
            description: "Prometheus text format",
            content: { "text/plain": { schema: { type: "string" } } },
          },
          "401": ref("Unauthorized"),
          "403": ref("Forbidden"),
        },
      },
    },
  };
}
