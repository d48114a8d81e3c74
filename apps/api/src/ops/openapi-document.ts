import { readFileSync } from "node:fs";
import { z } from "zod";
import type { ApiRoute, JsonObject } from "../contract/api-route.js";
import { openApiPaths, requestComponents } from "./openapi-paths.js";
import {
  alertIntakeSchema,
  healthSchema,
  jobAcceptedSchema,
  jobListSchema,
  jobTraceSchema,
  jobViewSchema,
  orchestrateResponseSchema,
  problemSchema,
  readinessSchema,
  sessionMessagesSchema,
} from "./openapi-schemas.js";
import { evidenceViewSchema, serviceListSchema } from "./openapi-console-schemas.js";

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
  monitor_id:
    "A Datadog monitor of this service to investigate: its query's metric is read first, its state frames the window. A monitor of another service fails the job (scope_violation).",
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
 * The OpenAPI 3.1 document of the API, built from the routes the app serves: their paths,
 * parameters and bodies come from the zod schemas that validate them, so the document and the
 * API cannot disagree.
 */
export function openApiDocument(routes: readonly ApiRoute<never>[]): JsonObject {
  return {
    openapi: "3.1.0",
    info: {
      title: "AI Orchestrator API",
      version: apiVersion(),
      summary:
        "Answers SRE questions about a service from its Datadog data, with an auditable reasoning trace.",
      description:
        "Submit a question as a job (`POST /jobs`), then follow it: poll or long-wait on `GET /jobs/{id}`, stream its " +
        "events from `GET /jobs/{id}/events`, read the reasoning trace from `GET /jobs/{id}/trace` and the data behind " +
        "the answer from `GET /jobs/{id}/evidence`. `POST /orchestrate` " +
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
      { name: "services", description: "The services questions can be about" },
      { name: "alerts", description: "Monitor notifications that start investigations" },
      { name: "operations", description: "Health, readiness and metrics" },
    ],
    security: [{ bearerAuth: [] }],
    paths: openApiPaths(routes),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "One of the tokens in API_TOKENS. GET /metrics also takes metrics.token.",
        },
        webhookSecret: {
          type: "apiKey",
          in: "header",
          name: "X-Orchestrator-Webhook-Secret",
          description: "The secret of one of alerts.datadog.integrations (see docs/alerts.md).",
        },
      },
      schemas: {
        ...components(requestComponents(routes), "input"),
        ...components(
          {
            JobAccepted: jobAcceptedSchema,
            JobView: jobViewSchema,
            JobList: jobListSchema,
            AlertIntake: alertIntakeSchema,
            JobTrace: jobTraceSchema,
            JobEvidence: evidenceViewSchema,
            ServiceList: serviceListSchema,
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
    Unauthorized: problem("No token or webhook secret, or not a valid one.", undefined, {
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
    Unavailable: problem("Redis or the queue is not reachable; retry shortly.", undefined, {
      "Retry-After": { $ref: "#/components/headers/Retry-After" },
    }),
    AuthFailuresLimited: problem(
      "Too many requests with unknown credentials from this address (api.auth_failures_per_minute).",
      undefined,
      { "Retry-After": { $ref: "#/components/headers/Retry-After" } },
    ),
    Internal: problem("A fault on our side; the request id identifies it in the logs."),
    RequestTimeout: problem(
      "The client took longer than 10 s to send the headers or 30 s to send the whole request; the connection is closed.",
    ),
    HeadersTooLarge: problem("The request's headers are too large."),
    JobFailed: problem(
      "POST /orchestrate: the job failed; the code and status are those of the job's error (502 upstream_error or upstream_auth, 504 upstream_timeout or deadline_exceeded, 500 internal, …).",
    ),
    OrchestrateConflict: problem(
      "POST /orchestrate: the job was cancelled while the call waited (code cancelled), or a request with this Idempotency-Key is still being processed or its job expired (code conflict).",
    ),
  };
}
