import { z } from "zod";
import type { ApiRoute, JsonObject, ParamDoc } from "../contract/api-route.js";

const problemRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** What the HTTP server answers itself, on any route, before the request reaches the app. */
const SERVER: Readonly<Record<string, string>> = { "408": "RequestTimeout", "431": "HeadersTooLarge" };

/** What every route of a kind can answer besides its own statuses. */
const SHARED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  // Authentication, the per-token and auth-failure limits, Redis out of reach, a bug.
  bearer: { ...SERVER, "401": "Unauthorized", "429": "RateLimited", "500": "Internal", "503": "Unavailable" },
  "webhook-secret": { ...SERVER, "401": "Unauthorized", "429": "AuthFailuresLimited", "500": "Internal" },
  none: SERVER,
};

/** What the JSON body parser answers on any route that takes a body. */
const BODY: Readonly<Record<string, string>> = {
  "400": "InvalidRequest",
  "413": "PayloadTooLarge",
  "415": "UnsupportedMediaType",
};

/** Path, query or header parameters from a zod object schema (a header's name as clients spell it). */
export function parametersOf(
  schema: z.ZodObject,
  where: "path" | "query" | "header",
  docs: Readonly<Record<string, ParamDoc>> = {},
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

function operationOf(route: ApiRoute<never>): JsonObject {
  const security = route.security ?? "bearer";
  const { path, query, header } = route.params ?? {};
  const parameters = [
    ...(path ? parametersOf(path, "path", route.paramDocs) : []),
    ...(query ? parametersOf(query, "query", route.paramDocs) : []),
    ...(header ? parametersOf(header, "header", route.paramDocs) : []),
  ];
  const statuses: Record<string, JsonObject | string> = {
    ...SHARED[security],
    ...(route.body ? BODY : {}),
    ...route.responses,
  };
  const responses = Object.fromEntries(
    Object.entries(statuses)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, response]) => [status, typeof response === "string" ? problemRef(response) : response]),
  );
  return {
    operationId: route.operationId,
    tags: route.tags,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(security === "none" ? { security: [] } : {}),
    ...(security === "webhook-secret" ? { security: [{ webhookSecret: [] }] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: { $ref: `#/components/schemas/${route.body.component}` },
                ...(route.body.example !== undefined ? { example: route.body.example } : {}),
              },
            },
          },
        }
      : {}),
    responses,
  };
}

/** The document's `paths`, generated from the routes the app serves. */
export function openApiPaths(routes: readonly ApiRoute<never>[]): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, "{$1}");
    paths[path] = { ...paths[path], [route.method]: operationOf(route) };
  }
  return paths;
}

/** The request body schemas the routes validate with, by component name. */
export function requestComponents(routes: readonly ApiRoute<never>[]): Record<string, z.ZodType> {
  return Object.fromEntries(
    routes.flatMap((route) => (route.body ? [[route.body.component, route.body.schema] as const] : [])),
  );
}
