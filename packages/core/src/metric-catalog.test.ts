import { describe, expect, it } from "vitest";
import { classifyMetric, isLimitMetric, limitMetricOf, shareUnitOf } from "./metric-catalog.js";

describe("classifyMetric", () => {
  it.each([
    ["trace.http.request.errors", "errors"],
    ["trace.express.request.errors", "errors"],
    ["trace.rack.request.errors", "errors"],
    ["trace.http.request.hits", "requests"],
    ["trace.http.request.duration.by.service.95p", "latency"],
    ["system.cpu.user", "cpu"],
    ["container.cpu.usage", "cpu"],
    ["system.mem.pct_usable", "memory"],
    ["container.memory.usage", "memory"],
    ["jvm.heap_memory", "memory"],
    ["system.disk.in_use", "disk"],
    ["aws.applicationelb.httpcode_target_5xx_count", "errors"],
    ["postgresql.percent_usage_connections", "saturation"],
    ["kubernetes.containers.restarts", "restarts"],
    ["myapp.checkout.failures", "errors"],
    ["myapp.queue.backlog", "saturation"],
    ["envoy.cluster.upstream_rq_total", "requests"],
    ["envoy.cluster.upstream_rq_time", "latency"],
    ["envoy.cluster.upstream_rq_5xx", "errors"],
    ["istio.mesh.request.count", "requests"],
    ["aws.lambda.invocations", "requests"],
    ["aws.lambda.errors", "errors"],
    ["aws.sqs.approximate_age_of_oldest_message", "saturation"],
    ["kubernetes.filesystem.usage_pct", "disk"],
  ])("%s is a %s signal", (metric, kind) => {
    expect(classifyMetric(metric)?.kind).toBe(kind);
  });

  it("knows which way is bad", () => {
    expect(classifyMetric("system.mem.pct_usable")?.higherIsWorse).toBe(false);
    expect(classifyMetric("system.cpu.idle")?.higherIsWorse).toBe(false);
    expect(classifyMetric("system.cpu.user")?.higherIsWorse).toBe(true);
  });

  it("counts errors as counts", () => {
    expect(classifyMetric("trace.http.request.errors")).toMatchObject({ aggregator: "sum", asCount: true });
  });

  it("returns undefined for names it cannot place", () => {
    expect(classifyMetric("foo.bar")).toBeUndefined();
  });

  it("reads units as Datadog reports them: nanocores, fractions", () => {
    expect(classifyMetric("kubernetes.cpu.usage.total")?.unit).toBe("nanocore");
    expect(classifyMetric("container.cpu.usage")?.unit).toBe("nanocore");
    expect(classifyMetric("docker.cpu.usage")?.unit).toBe("percent");
    expect(classifyMetric("kubernetes.memory.usage_pct")?.unit).toBe("fraction");
  });

  it("ranks a service's own requests above the calls it makes", () => {
    const own = classifyMetric("trace.servlet.request.hits")?.preference ?? 0;
    expect(classifyMetric("trace.jdbc.query.hits")?.preference).toBeLessThan(own);
    expect(classifyMetric("trace.redis.command.errors")?.kind).toBe("errors");
  });
});

describe("limit metrics", () => {
  it("pair a usage with the limit Datadog reports beside it", () => {
    expect(limitMetricOf("jvm.heap_memory")).toBe("jvm.heap_memory_max");
    expect(limitMetricOf("system.disk.used")).toBe("system.disk.total");
    expect(limitMetricOf("container.memory.usage")).toBe("container.memory.limit");
    expect(limitMetricOf("system.cpu.user")).toBeUndefined();
  });

  it("are told apart from usages", () => {
    expect(isLimitMetric("jvm.heap_memory_max")).toBe(true);
    expect(isLimitMetric("kubernetes.memory.limits")).toBe(true);
    expect(isLimitMetric("mysql.net.max_connections_available")).toBe(true);
    // Published as "the maximum number of connections that have been in use simultaneously since the server started".
    expect(isLimitMetric("mysql.net.max_connections")).toBe(false);
    expect(isLimitMetric("jvm.heap_memory")).toBe(false);
  });
});

describe("shares", () => {
  it("read postgresql.percent_usage_connections as a fraction of max connections", () => {
    expect(classifyMetric("postgresql.percent_usage_connections")).toMatchObject({
      kind: "saturation",
      unit: "fraction",
    });
  });

  it("read a share-named pool metric as a fraction or a percent by its values, and nothing else", () => {
    expect(shareUnitOf("myapp.db.pool.usage_pct", "saturation", "number", 0.93)).toBe("fraction");
    expect(shareUnitOf("myapp.db.pool.usage_pct", "saturation", "number", 93)).toBe("percent");
    expect(shareUnitOf("myapp.db.pool.usage_pct", "saturation", "number", 930)).toBe("number");
    expect(shareUnitOf("rabbitmq.queue.messages", "saturation", "message", 0.5)).toBe("message");
    expect(shareUnitOf("container.memory.usage", "memory", "byte", 0.5)).toBe("byte");
    expect(shareUnitOf("redis.mem.fragmentation_ratio", "memory", "fraction", 1.4)).toBe("fraction");
    expect(shareUnitOf("redis.mem.fragmentation_ratio", "memory", "fraction", 3.2)).toBe("");
  });
});
