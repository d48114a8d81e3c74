import type { JsonObject } from "./api-route.js";

const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const requestId = { "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" } };

/** A JSON response of a named component schema. */
export function jsonResponse(
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

/** A response of another media type (text, an event stream). */
export function textResponse(description: string, mediaType: string, example?: string): JsonObject {
  return {
    description,
    headers: requestId,
    content: { [mediaType]: { schema: { type: "string" }, ...(example !== undefined ? { example } : {}) } },
  };
}

/** A response without a body. */
export function emptyResponse(description: string): JsonObject {
  return { description, headers: requestId };
}

export const locationHeader = {
  Location: { description: "The job's status URL", schema: { type: "string" } },
};
