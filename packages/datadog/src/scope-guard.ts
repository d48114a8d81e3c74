import {
  METRIC_NAME,
  assertFilterInScope,
  assertMetricQueryInScope,
  assertSearchQueryInScope,
  metricQuerySchema,
  renderMetricQuery,
  ScopeViolation,
  scopeFilter,
  serviceScope,
  type MetricQuery,
  type ServiceScope,
} from "@orch/core";

/**
 * Every query a source sends is built here from the job's scope and re-checked with core's
 * guards, so nothing reaches Datadog (or the cache) that reads outside the service.
 */

const LOG_FILTER = /^[a-zA-Z0-9_:.\-@" ]*$/;

/** Re-validates a scope handed in: it must have tags, all plain `key:value`, including its env. */
export function checkScope(scope: ServiceScope): void {
  if (scope.tags.length === 0) {
    throw new ScopeViolation(
      `the scope of "${scope.service_id}" has no tags; a query without them would read every service`,
    );
  }
  // Throws on an invalid service id or any tag that is not a plain key:value.
  serviceScope(scope.service_id, scope.tags, scope.env);
  if (scope.env !== undefined && !scope.tags.includes(`env:${scope.env.toLowerCase()}`)) {
    throw new ScopeViolation(
      `the scope of "${scope.service_id}" names env ${scope.env} but does not filter on it`,
    );
  }
}

/** The scope as a comma-separated tag list (events, monitors, metric discovery), checked. */
export function scopedTagList(scope: ServiceScope): string {
  checkScope(scope);
  const tags = scopeFilter(scope);
  assertFilterInScope(tags, scope);
  return tags;
}

/**
 * The `query` of GET /api/v1/monitor/search that finds the scope's monitors by their own tags
 * or by the scope of their query (the tags in `{…}`): `(tag:"service:x" AND tag:"env:prod") OR
 * (scope:"service:x" AND scope:"env:prod")`, checked. Both branches name every scope tag and
 * nothing else, so the OR joins two ways of naming the same service, never two services.
 */
export function scopedMonitorSearch(scope: ServiceScope): string {
  scopedTagList(scope);
  const every = (field: "tag" | "scope") => scope.tags.map((t) => `${field}:"${t}"`).join(" AND ");
  const query = `(${every("tag")}) OR (${every("scope")})`;
  // Scope tags are plain key:value (checkScope): none can close a quote or a parenthesis.
  const branches = query.split(" OR ");
  const named = (branch: string, field: string) =>
    [...branch.matchAll(/(\w+):"([^"]*)"/g)].map((m) => (m[1] === field ? (m[2] ?? "") : "\u0000"));
  const exact = (values: string[]) =>
    values.length === scope.tags.length && values.every((v, i) => v === scope.tags[i]);
  if (
    branches.length !== 2 ||
    !exact(named(branches[0] ?? "", "tag")) ||
    !exact(named(branches[1] ?? "", "scope"))
  ) {
    throw new ScopeViolation(
      `monitor search "${query}" does not name exactly the scope's tags; refusing to send it`,
    );
  }
  return query;
}

/**
 * The scope as the `tag_filter` of GET /api/v1/metrics, checked. That parameter takes a tag
 * expression ("supports boolean and wildcard expressions"), so several scope tags are joined
 * with AND: "service:checkout AND env:prod".
 */
export function scopedTagFilter(scope: ServiceScope): string {
  scopedTagList(scope);
  return scope.tags.join(" AND ");
}

/** The Datadog query string of a metric read within the scope, checked. */
export function scopedMetricQuery(query: MetricQuery, scope: ServiceScope): string {
  checkScope(scope);
  const text = renderMetricQuery(query, scopeFilter(scope));
  assertMetricQueryInScope(text, scope);
  // A query object that did not come through the plan schema could smuggle query syntax in its fields.
  const parsed = metricQuerySchema.safeParse(query);
  if (!parsed.success) {
    throw new ScopeViolation(`metric query "${text}" is not a plain metric read; refusing to send it`);
  }
  return text;
}

/**
 * A metric name checked before it goes into a request path (GET /api/v1/metrics/{metric_name}),
 * for a read within a checked scope: any valid Datadog metric name, with or without a dot, and
 * nothing else.
 */
export function scopedMetricName(metric: string, scope: ServiceScope): string {
  scopedTagList(scope);
  if (!METRIC_NAME.test(metric)) {
    throw new ScopeViolation(
      `"${metric.slice(0, 200)}" is not a Datadog metric name; refusing to read its metadata`,
    );
  }
  return metric;
}

/** The log search of a logs read: the scope terms, then the plan's filter (default status:error), checked. */
export function scopedLogSearch(scope: ServiceScope, filter: string): string {
  checkScope(scope);
  const extra = filter.trim().replace(/\s+/g, " ");
  if (extra.length > 200 || !LOG_FILTER.test(extra)) {
    throw new ScopeViolation(`log filter "${extra.slice(0, 200)}" may only hold plain search terms`);
  }
  const query = `${scope.tags.join(" ")} ${extra || "status:error"}`;
  assertSearchQueryInScope(query, scope);
  return query;
}
