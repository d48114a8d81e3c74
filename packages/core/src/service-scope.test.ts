import { describe, expect, it } from "vitest";
import { ScopeViolation } from "./errors.js";
import { assertMetricQueryInScope, assertSearchQueryInScope, serviceScope } from "./service-scope.js";

const scope = serviceScope("web-app", undefined, "prod");

describe("serviceScope", () => {
  it("scopes by service tag and env", () => {
    expect(scope.tags).toEqual(["service:web-app", "env:prod"]);
  });
  it("uses configured tags instead of the default", () => {
    expect(serviceScope("db", ["team:data", "cluster:pg-1"]).tags).toEqual(["team:data", "cluster:pg-1"]);
  });
  it("refuses a service id carrying query syntax", () => {
    expect(() => serviceScope("web-app} OR {*")).toThrow(ScopeViolation);
  });
});

describe("assertMetricQueryInScope", () => {
  it("accepts a query with the scope and narrowing tags", () => {
    expect(() =>
      assertMetricQueryInScope(
        "sum:trace.http.request.errors{service:web-app,env:prod,http.status_code:500}.as_count()",
        scope,
      ),
    ).not.toThrow();
    expect(() =>
      assertMetricQueryInScope("avg:system.cpu.user{service:web-app,env:prod} by {host}", scope),
    ).not.toThrow();
  });
  it.each([
    "sum:errors{service:web-app,env:prod}.as_count()",
    "avg:http_requests_total{service:web-app,env:prod} by {host}",
    "p99:x{service:web-app,env:prod}",
    "week_before(avg:go_TestMetrics_local_1589290338{service:web-app,env:prod})",
  ])("accepts a metric name without a dot: %j", (query) => {
    expect(() => assertMetricQueryInScope(query, scope)).not.toThrow();
  });
  it.each([
    ["avg:system.cpu.user{*}", /widen/],
    ["sum:errors{*}", /widen/],
    ["avg:errors", /no tag filter/],
    ["p99:latency{service:web-app,env:prod} + p99:latency", /no tag filter/],
    ["avg:system.cpu.user{env:prod}", /missing the scope tag/],
    ["avg:system.cpu.user{service:billing,env:prod}", /missing the scope tag/],
    ["avg:system.cpu.user{service:web-app,service:billing,env:prod}", /outside the job's scope/],
    ["avg:system.cpu.user{service:web-app OR service:billing,env:prod}", /widen/],
    ["avg:system.cpu.user", /no tag filter/],
    ["avg:system.cpu.user{service:web-app,env:prod} + avg:system.cpu.system{*}", /widen/],
  ])("rejects %j", (query, message) => {
    expect(() => assertMetricQueryInScope(query, scope)).toThrow(message);
  });
});

describe("assertSearchQueryInScope", () => {
  it("accepts scoped searches", () => {
    expect(() => assertSearchQueryInScope("service:web-app env:prod status:error", scope)).not.toThrow();
  });
  it.each([
    "status:error",
    "service:web-app env:prod OR service:billing",
    "service:* env:prod",
    "service:web-app env:prod service:billing",
  ])("rejects %j", (query) => {
    expect(() => assertSearchQueryInScope(query, scope)).toThrow(ScopeViolation);
  });
});
