import { ScopeViolation } from "./errors.js";

/** The tags that confine every query of a job to its service. */
export interface ServiceScope {
  readonly service_id: string;
  /** Datadog tags, all of which every query must carry, e.g. ["service:web-app", "env:prod"]. */
  readonly tags: readonly string[];
  readonly env?: string;
}

/** Service ids are Datadog tag values: lower case, no spaces, no query syntax. */
export const SERVICE_ID_PATTERN = /^[a-z0-9][a-z0-9._\-/]{0,99}$/;

const TAG_PATTERN = /^[a-z][a-z0-9_.\-/]*:[a-z0-9_.\-/]+$/;

/** Builds the scope of a service from its id and optional configured tags and env. */
export function serviceScope(serviceId: string, tags?: readonly string[], env?: string): ServiceScope {
  if (!SERVICE_ID_PATTERN.test(serviceId)) {
    throw new ScopeViolation(`service id "${serviceId}" is not a valid Datadog tag value`);
  }
  const all = new Set(tags && tags.length > 0 ? tags.map((t) => t.toLowerCase()) : [`service:${serviceId}`]);
  if (env) all.add(`env:${env.toLowerCase()}`);
  for (const tag of all) {
    if (!TAG_PATTERN.test(tag)) throw new ScopeViolation(`scope tag "${tag}" is not a plain key:value tag`);
  }
  return env ? { service_id: serviceId, tags: [...all], env } : { service_id: serviceId, tags: [...all] };
}

/** The scope as a Datadog tag filter: "service:web-app,env:prod". */
export function scopeFilter(scope: ServiceScope): string {
  return scope.tags.join(",");
}

const BOOLEAN_SYNTAX = /(\bOR\b|\bAND\b|\bNOT\b|\bIN\b|!|\(|\)|\*|\?)/i;

/**
 * Checks that a Datadog metric query reads only inside `scope`: every `{...}` filter must carry
 * all scope tags, and none may widen it (wildcards, boolean operators, another service).
 * Throws ScopeViolation naming the offending part.
 */
export function assertMetricQueryInScope(query: string, scope: ServiceScope): void {
  const filters = [...query.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? "");
  // Any Datadog metric name, with or without a dot ("errors", "http_requests_total").
  const metricCount = (query.match(/[a-z][a-z0-9_.]*\s*\{/gi) ?? []).length;
  if (filters.length === 0 || metricCount === 0) {
    throw new ScopeViolation(
      `query "${query}" has no tag filter; it must be scoped to ${scopeFilter(scope)}`,
    );
  }
  // Every metric must be followed by its own filter; a bare metric elsewhere would read everything.
  const bareMetric = query
    .replace(/\{[^{}]*\}/g, "{}")
    .split(/[\s,+\-*/()]+/)
    .find((token) => /^[a-z][a-z0-9]*:[a-z][a-z0-9_.]*$/i.test(token));
  if (bareMetric) {
    throw new ScopeViolation(`query part "${bareMetric}" has no tag filter; it must be scoped`);
  }
  // "by {host}" group clauses come after a metric filter; only metric filters must carry the scope.
  const withoutGroups = query.replace(/\bby\s*\{[^{}]*\}/gi, "");
  const metricFilters = [...withoutGroups.matchAll(/[a-z0-9_.]\s*\{([^{}]*)\}/gi)].map((m) => m[1] ?? "");
  for (const filter of metricFilters) assertFilterInScope(filter, scope, query);
}

/** Checks one comma-separated tag filter (metric `{...}` body or an events/monitors tag list). */
export function assertFilterInScope(filter: string, scope: ServiceScope, context = filter): void {
  const tags = filter
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t.length > 0);
  for (const tag of tags) {
    if (BOOLEAN_SYNTAX.test(tag)) {
      throw new ScopeViolation(
        `filter "${tag}" in "${context}" would widen the scope; wildcards and boolean operators are not allowed`,
      );
    }
  }
  const tagSet = new Set(tags);
  const missing = scope.tags.filter((t) => !tagSet.has(t));
  if (missing.length > 0) {
    throw new ScopeViolation(`"${context}" is missing the scope tag(s) ${missing.join(", ")}`, { missing });
  }
  const keys = new Set(scope.tags.map((t) => t.split(":")[0]));
  const foreign = tags.filter((t) => keys.has(t.split(":")[0]) && !scope.tags.includes(t));
  if (foreign.length > 0) {
    throw new ScopeViolation(
      `"${context}" names ${foreign.join(", ")}, outside the job's scope ${scopeFilter(scope)}`,
    );
  }
}

/** Checks a Datadog log or event search query: the scope terms must be present and nothing may widen them. */
export function assertSearchQueryInScope(query: string, scope: ServiceScope): void {
  if (/(\bOR\b|\bNOT\b|-service:|\*)/i.test(query) || /[()]/.test(query)) {
    throw new ScopeViolation(
      `search "${query}" uses boolean operators or wildcards that could widen the scope`,
    );
  }
  const terms = new Set(query.toLowerCase().split(/\s+/).filter(Boolean));
  const missing = scope.tags.filter((t) => !terms.has(t));
  if (missing.length > 0) {
    throw new ScopeViolation(`search "${query}" is missing the scope term(s) ${missing.join(", ")}`);
  }
  const keys = new Set(scope.tags.map((t) => t.split(":")[0]));
  const foreign = [...terms].filter((t) => keys.has(t.split(":")[0]) && !scope.tags.includes(t));
  if (foreign.length > 0) {
    throw new ScopeViolation(`search "${query}" names ${foreign.join(", ")}, outside the job's scope`);
  }
}
