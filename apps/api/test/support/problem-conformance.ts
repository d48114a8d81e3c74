import { problemSchema } from "../../src/ops/openapi-schemas.js";

interface OpenApiOperations {
  readonly paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}

/**
 * Checks every error response a test receives against the published contract: the body is a
 * Problem document as the schema says, and the status is one the OpenAPI document lists for that
 * route. The harness runs it on each of its requests, so the whole API suite exercises it.
 */
export class ProblemConformance {
  private readonly routes: ReadonlyArray<{ pattern: RegExp; path: string }>;

  constructor(private readonly doc: OpenApiOperations) {
    this.routes = Object.keys(doc.paths).map((path) => ({
      path,
      pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    }));
  }

  /** What is wrong with an error response, or undefined when it conforms. */
  violation(method: string, url: string, status: number, body: unknown): string | undefined {
    const parsed = problemSchema.safeParse(body);
    if (!parsed.success) return `the body is not a Problem: ${parsed.error.message}`;
    if (parsed.data.status !== status)
      return `the body says status ${parsed.data.status}, the response ${status}`;
    const path = new URL(url, "http://x").pathname;
    const route = this.routes.find((r) => r.pattern.test(path));
    const operation = route ? this.doc.paths[route.path]?.[method.toLowerCase()] : undefined;
    // Unknown routes and methods (404, 405) are not any operation's to document.
    if (!operation) return undefined;
    if (!Object.hasOwn(operation.responses ?? {}, String(status))) {
      return `${method} ${route?.path} answered ${status}, which its OpenAPI operation does not list`;
    }
    return undefined;
  }
}
