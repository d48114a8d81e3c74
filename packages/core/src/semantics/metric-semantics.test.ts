import { describe, expect, it } from "vitest";
import { classifyMetric, isLimitMetric, limitMetricOf } from "../metric-catalog.js";
import { conventionUnitOf } from "./unit-conventions.js";

describe("what an integration's metric is, from its published metadata", () => {
  it.each([
    // metric, kind, which move is bad
    ["redis.mem.used", "memory", "up"],
    ["redis.keys.evicted", "saturation", "up"],
    ["redis.net.clients", "saturation", "up"],
    ["redis.clients.blocked", "saturation", "up"],
    ["memcache.evictions_rate", "saturation", "up"],
    ["memcache.get_hit_percent", "saturation", "down"],
    ["pgbouncer.pools.cl_waiting", "saturation", "up"],
    ["pgbouncer.pools.maxwait", "latency", "up"],
    ["pgbouncer.stats.avg_query_time", "latency", "up"],
    ["postgresql.connections", "saturation", "up"],
    ["postgresql.deadlocks", "errors", "up"],
    ["postgresql.replication_delay", "saturation", "up"],
    ["mysql.performance.slow_queries", "latency", "up"],
    ["rabbitmq.queue.messages", "saturation", "up"],
    ["rabbitmq.queue.messages_ready", "saturation", "up"],
    ["rabbitmq.queue.consumers", "saturation", "down"],
    ["rabbitmq.queue.messages.publish.rate", "requests", "both"],
    ["kafka.consumer_lag", "saturation", "up"],
    ["kafka.request.fetch.time.avg", "latency", "up"],
    ["kafka.net.bytes_in", "network", "both"],
    ["celery.flower.worker.online", "saturation", "down"],
    ["kubernetes_state.deployment.replicas_available", "saturation", "down"],
    ["kubernetes_state.deployment.replicas_unavailable", "errors", "up"],
    ["haproxy.backend.response.5xx", "errors", "up"],
    ["gunicorn.request.status.503", "errors", "up"],
    ["gunicorn.request.status.200", "requests", "both"],
    ["haproxy.backend.response.time", "latency", "up"],
    ["envoy.cluster.upstream_rq_total", "requests", "both"],
    ["envoy.cluster.upstream_rq_time", "latency", "up"],
    ["nginx.net.connections", "saturation", "up"],
    ["sidekiq.jobs.failure", "errors", "up"],
    // Storage that is not a disk by name: a database's tablespace fills like one.
    ["oracle.tablespace.in_use", "disk", "up"],
    ["oracle.tablespace.used", "disk", "up"],
    // Bytes waiting in a buffer queue are a backlog, not memory the process holds.
    ["fluentd.buffer_total_queued_size", "saturation", "up"],
    ["fluentd.buffer_queue_byte_size", "saturation", "up"],
    // What was lost (leadership, cache blocks) is an error, whatever its description's "duration" says.
    ["vault.vault.core.leadership.lost.count", "errors", "up"],
    // Misses are lookups a cache could not serve, not traffic, whatever unit they count in.
    ["varnish.cache_miss", "saturation", "up"],
    ["memcache.get_misses_rate", "saturation", "up"],
    ["varnish.cache_hit", "saturation", "down"],
  ])("%s is a %s signal where a move %s is bad", (metric, kind, bad) => {
    const profile = classifyMetric(metric);
    expect(profile?.kind).toBe(kind);
    expect(profile?.bad).toBe(bad);
    expect(profile?.source).toBe("integration");
  });

  it("keeps the unit the integration publishes", () => {
    expect(classifyMetric("redis.mem.used")?.unit).toBe("byte");
    expect(classifyMetric("memcache.evictions_rate")?.unit).toBe("eviction/second");
    expect(classifyMetric("pgbouncer.stats.avg_query_time")?.unit).toBe("microsecond");
    expect(classifyMetric("kafka.request.fetch.time.avg")?.unit).toBe("millisecond");
  });

  it("knows that falling to zero is an outage for things that serve", () => {
    expect(classifyMetric("rabbitmq.queue.consumers")?.zeroIsBad).toBe(true);
    expect(classifyMetric("rabbitmq.queue.messages")?.zeroIsBad).toBeUndefined();
  });

  it("prefers metadata read from Datadog over guesses from the name", () => {
    const custom = classifyMetric("acme.checkout.wait", { unit: "second", type: "gauge" });
    expect(custom).toMatchObject({ kind: "latency", unit: "second", source: "metadata" });
  });

  it("reads custom names by their words and conventions", () => {
    expect(classifyMetric("myapp.checkout.failures")).toMatchObject({ kind: "errors", source: "name" });
    expect(classifyMetric("http_server_request_duration_seconds")).toMatchObject({
      kind: "latency",
      unit: "second",
    });
    expect(classifyMetric("myapp.queue.backlog")?.kind).toBe("saturation");
    expect(classifyMetric("foo.bar")).toBeUndefined();
  });
});

describe("metrics whose words name no kind", () => {
  it("take the direction their integration publishes", () => {
    expect(classifyMetric("envoy.ratelimit.over_limit")).toMatchObject({ kind: "errors", bad: "up" });
    expect(classifyMetric("gunicorn.log.warning")).toMatchObject({ kind: "errors", bad: "up" });
  });

  it("read time left before something runs out as a resource whose fall is bad, not a latency", () => {
    expect(classifyMetric("tls.days_left")).toMatchObject({ kind: "saturation", bad: "down" });
    expect(classifyMetric("http.ssl.seconds_left")).toMatchObject({ kind: "saturation", bad: "down" });
  });

  it("never take a count of events for a limit", () => {
    // Published as a count: "Total connections closed due to maximum requests".
    expect(isLimitMetric("envoy.cluster.upstream_cx_max_requests")).toBe(false);
    expect(isLimitMetric("postgresql.max_connections")).toBe(true);
  });
});

describe("unit conventions", () => {
  it("follow OpenTelemetry and Prometheus naming", () => {
    expect(conventionUnitOf("http.server.request.duration")).toBe("second");
    expect(conventionUnitOf("http.server.duration")).toBe("millisecond");
    expect(conventionUnitOf("process_resident_memory_bytes")).toBe("byte");
    expect(conventionUnitOf("system.cpu.utilization")).toBe("fraction");
    expect(conventionUnitOf("myapp.latency_ms")).toBe("millisecond");
  });
});

describe("limits", () => {
  const redis = [
    "redis.mem.used",
    "redis.mem.maxmemory",
    "redis.net.clients",
    "redis.net.maxclients",
    "redis.keys.evicted",
  ];
  it("pair each usage with the limit the integration reports beside it", () => {
    expect(limitMetricOf("redis.mem.used", redis)).toBe("redis.mem.maxmemory");
    expect(limitMetricOf("redis.net.clients", redis)).toBe("redis.net.maxclients");
    expect(limitMetricOf("redis.keys.evicted", redis)).toBeUndefined();
    expect(
      limitMetricOf("postgresql.connections", ["postgresql.connections", "postgresql.max_connections"]),
    ).toBe("postgresql.max_connections");
    expect(limitMetricOf("memcache.bytes", ["memcache.bytes", "memcache.limit_maxbytes"])).toBe(
      "memcache.limit_maxbytes",
    );
    expect(
      limitMetricOf("mysql.performance.threads_connected", [
        "mysql.performance.threads_connected",
        "mysql.net.max_connections",
        "mysql.net.max_connections_available",
      ]),
    ).toBe("mysql.net.max_connections_available");
    expect(limitMetricOf("tomcat.threads.busy", ["tomcat.threads.busy", "tomcat.threads.max"])).toBe(
      "tomcat.threads.max",
    );
    expect(limitMetricOf("jvm.heap_memory")).toBe("jvm.heap_memory_max");
  });

  it("are told apart from usages and from observed maxima", () => {
    expect(isLimitMetric("redis.mem.maxmemory")).toBe(true);
    expect(isLimitMetric("haproxy.backend.session.limit")).toBe(true);
    expect(isLimitMetric("redis.mem.used")).toBe(false);
    expect(isLimitMetric("haproxy.backend.max.response.time.seconds")).toBe(false);
    expect(isLimitMetric("nginx.limit_req.rejected")).toBe(false);
    expect(isLimitMetric("docker.mem.rss.max")).toBe(false);
    expect(isLimitMetric("coredns.go.memstats.alloc_bytes_total")).toBe(false);
  });
});
