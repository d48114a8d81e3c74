import { readFileSync } from "node:fs";
import { z } from "zod";
import {
  createJobSchema,
  eventsHeadersSchema,
  eventsQuerySchema,
  idempotencyHeadersSchema,
  jobIdParamsSchema,
  orchestrateSchema,
  sessionIdSchema,
  waitQuerySchema,
} from "../jobs/job-request-schema.js";
import { openApiPaths, type JsonObject } from "./openapi-paths.js";
import {
  healthSchema,
  jobAcceptedSchema,
  jobTraceSchema,
  jobViewSchema,
  orchestrateResponseSchema,
  problemSchema,
  readinessSchema,
  sessionMessagesSchema,
} from "./openapi-schemas.js";

export interface OpenApiOptions {
  /** api.max_wait_seconds: the bound of `?wait`, stated in the document. */
  readonly maxWaitSeconds: number;
}

/** Field descriptions the request schemas do not carry themselves. */
const FIELD_DOCS: Readonly<Record<string, string>> = {
  service_id: "The Datadog service the question is about; every query is scoped to it.",
  user_message: "The question, in plain language.",
  session_id: "Groups jobs into a conversation; earlier questions and answers inform the next.",
  options: "Per-job overrides.",
  callback_url: "Receives a signed POST with the job view when the job ends (hosts allowed by config only).",
  timeframe: "How far back to look, e.g. 30m, 24h or 7d (default from config).",
  reasoner: "`offline` forces the deterministic reasoner even when a model is configured.",
  max_steps: "Upper bound on the plan's tool calls.",
};

/** JSON Schemas of named components, with references between them, for one direction (request or response). */
function components(
  entries: Readonly<Record<string, z.ZodType>>,
  io: "input" | "output",
): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(entries)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonObject> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
    tidy(schema);
  }
  return schemas;
}

/** Adds field descriptions, and drops zod's long date-time regex where `format` already says it. */
function tidy(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(tidy);
  if (typeof node !== "object" || node === null) return;
  const schema = node as JsonObject;
  if (schema.format === "date-time") delete schema.pattern;
  const properties = schema.properties as Record<string, JsonObject> | undefined;
  for (const [name, property] of Object.entries(properties ?? {})) {
    if (FIELD_DOCS[name] && property.description === undefined) property.description = FIELD_DOCS[name];
  }
  Object.values(schema).forEach(tidy);
}

/** Path, query or header parameters from a zod object schema (a header's name as clients spell it). */
export function parametersOf(
  schema: z.ZodObject,
  where: "path" | "query" | "header",
  docs: Readonly<Record<string, { readonly name?: string; readonly description: string }>> = {},
): JsonObject[] {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, JsonObject>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name: docs[name]?.name ?? name,
    in: where,
    required: where === "path" || (json.required ?? []).includes(name),
    ...(docs[name] ? { description: docs[name].description } : {}),
    schema: property,
  }));
}

function apiVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/**
 * The OpenAPI 3.1 document of the API, built from the zod schemas that validate its requests
 * (bodies, path, query and headers), so the document and the validation cannot disagree.
 */
export function openApiDocument(options: OpenApiOptions): JsonObject {
  const parameters = {
    jobId: parametersOf(jobIdParamsSchema, "path", {
      id: { description: "The job id returned by POST /jobs." },
    }),
    sessionId: parametersOf(z.object({ id: sessionIdSchema }), "path", {
      id: { description: "The session_id given with the jobs." },
    }),
    wait: parametersOf(waitQuerySchema(options.maxWaitSeconds), "query", {
      wait: {
        description: `Hold the request up to this many seconds (at most ${options.maxWaitSeconds}) until the job ends; it answers as soon as it does.`,
      },
    }),
    idempotency: parametersOf(idempotencyHeadersSchema, "header", {
      "idempotency-key": {
        name: "Idempotency-Key",
        description:
          "Retrying with the same key (same token, same body) within 24 h returns the same job instead of a new one.",
      },
    }),
    eventsQuery: parametersOf(eventsQuerySchema, "query", {
      last_event_id: { description: "Resume after this event id (for clients that cannot send the header)." },
    }),
    eventsHeaders: parametersOf(eventsHeadersSchema, "header", {
      "last-event-id": {
        name: "Last-Event-ID",
        description: "Resume after this event id (EventSource sends it on reconnect).",
      },
    }),
  };
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "AI Orchestrator API",
      version: apiVersion(),
      summary:
        "Answers SRE questions about a service from its Datadog data, with an auditable reasoning trace.",
      description:
        "Submit a question as a job (`POST /jobs`), then follow it: poll or long-wait on `GET /jobs/{id}`, stream its " +
        "events from `GET /jobs/{id}/events`, read the reasoning trace from `GET /jobs/{id}/trace`. `POST /orchestrate` " +
        "is the synchronous form. Every route but health, readiness and these docs needs `Authorization: Bearer <token>` " +
        "(one of API_TOKENS). Errors are `application/problem+json` documents whose `type` links to the error's entry " +
        "in docs/errors.md.",
      license: { name: "MIT", identifier: "MIT" },
    },
    // Relative: Swagger UI's "Try it out" calls the server that served the page.
    servers: [{ url: "/", description: "This server" }],
    tags: [
      { name: "jobs", description: "Submit questions and follow their jobs" },
      { name: "sessions", description: "Conversations built by jobs that share a session_id" },
      { name: "operations", description: "Health, readiness and metrics" },
    ],
    security: [{ bearerAuth: [] }],
    paths: openApiPaths(parameters),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "One of the tokens in API_TOKENS. GET /metrics also takes metrics.token.",
        },
      },
      schemas: {
        ...components({ CreateJobRequest: createJobSchema, OrchestrateRequest: orchestrateSchema }, "input"),
        ...components(
          {
            JobAccepted: jobAcceptedSchema,
            JobView: jobViewSchema,
            JobTrace: jobTraceSchema,
            OrchestrateResponse: orchestrateResponseSchema,
            SessionMessages: sessionMessagesSchema,
            Health: healthSchema,
            Readiness: readinessSchema,
            Problem: problemSchema,
          },
          "output",
        ),
      },
      headers: {
        "Retry-After": {
          description: "Seconds to wait before retrying",
          schema: { type: "integer", minimum: 1 },
        },
        "X-Request-Id": {
          description: "The request's id (yours if you sent a sane one); in the logs too",
          schema: { type: "string" },
        },
      },
      responses: problemResponses(),
    },
  };
}

function problem(description: string, example?: JsonObject, headers?: JsonObject): JsonObject {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: {
      "application/problem+json": {
        schema: { $ref: "#/components/schemas/Problem" },
        ...(example ? { example } : {}),
      },
    },
  };
}

const errorType = (code: string) =>
  `https://github.com/ai-orchestrator/ai-orchestrator/blob/main/docs/errors.md#${code}`;

/** The error responses routes share, by name. */
function problemResponses(): Record<string, JsonObject> {
  return {
    InvalidRequest: problem("The request is invalid; `errors` names each field.", {
      type: errorType("invalid_request"),
      title: "Invalid request",
      status: 400,
      detail: 'service_id is required: the Datadog service name, e.g. "web-app"',
      code: "invalid_request",
      errors: [
        { field: "service_id", message: 'service_id is required: the Datadog service name, e.g. "web-app"' },
      ],
    }),
    Unauthorized: problem("No token, or not a valid one.", undefined, {
      "WWW-Authenticate": { description: "Bearer challenge", schema: { type: "string" } },
    }),
    Forbidden: problem("The token is valid but lacks the role this needs."),
    NotFound: problem("No such job or session for this token (other tokens' ids are not revealed)."),
    Conflict: problem("The job already ended."),
    IdempotencyConflict: problem(
      "A request with this Idempotency-Key is still being processed, or its job expired.",
    ),
    IdempotencyMismatch: problem("This Idempotency-Key was used with a different request."),
    PayloadTooLarge: problem("The body is larger than api.body_limit_bytes."),
    UnsupportedMediaType: problem(
      "The body is not JSON (application/json or any application/*+json type), or not UTF-8.",
    ),
    RateLimited: problem(
      "Too many requests for this token (api.rate_limit_per_minute), or too many of its jobs in flight (api.max_jobs_in_flight).",
      {
        type: errorType("rate_limited"),
        title: "Too many requests",
        status: 429,
        detail:
          "This token has 100 jobs in flight and the limit is 100; wait for one to finish (or cancel one) and retry.",
        code: "rate_limited",
        retry_after_seconds: 5,
      },
      { "Retry-After": { $ref: "#/components/headers/Retry-After" } },
    ),
    Unavailable: problem("Redis or the queue is not reachable; retry shortly."),
    JobFailed: problem(
      "POST /orchestrate: the job failed; the code and status are those of the job's error (502 upstream_error or upstream_auth, 504 upstream_timeout or deadline_exceeded, 500 internal, …).",
    ),
    OrchestrateConflict: problem(
      "POST /orchestrate: the job was cancelled while the call waited (code cancelled), or a request with this Idempotency-Key is still being processed or its job expired (code conflict).",
    ),
  };
}
