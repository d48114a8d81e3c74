import { describe, expect, it } from "vitest";
import { serviceScope } from "../service-scope.js";
import { parseTimeframe } from "../time-window.js";
import { classifyIntent } from "./classify-question.js";
import { planOffline } from "./plan-offline.js";

const NOW = Date.UTC(2026, 10, 25, 12);
const scope = serviceScope("web-app");

function plan(
  question: string,
  metrics: string[],
  history: Array<{ role: "user" | "assistant"; content: string }> = [],
  maxSteps = 10,
) {
  return planOffline({
    question,
    scope,
    window: parseTimeframe(question, "1h", NOW),
    history,
    available_metrics: metrics,
    max_steps: maxSteps,
  });
}

const metricNames = (p: ReturnType<typeof plan>) =>
  p.steps.flatMap((s) => (s.tool === "metrics" ? [s.query.metric] : []));

describe("classifyIntent", () => {
  it.each([
    ["Investigate recent 5xx errors and their root causes", "errors"],
    ["Analyze system performance and identify bottlenecks", "performance"],
    ["Why did checkout get slower?", "performance"],
    ["Analyze current resource utilization and predict scaling needs", "capacity"],
    ["Check CPU and memory usage trends for the last 24 hours", "capacity"],
    ["How is the service doing?", "health"],
  ])("%j is a %s question", (question, intent) => {
    expect(classifyIntent(question)).toBe(intent);
  });

  it("gives a short follow-up the intent of the previous question", () => {
    expect(
      classifyIntent("and since the deploy?", [{ role: "user", content: "Investigate recent 5xx errors" }]),
    ).toBe("errors");
  });
});

describe("planOffline", () => {
  it("reads the metrics the service really has for an errors question", () => {
    const p = plan("Investigate recent 5xx errors", [
      "trace.express.request.errors",
      "trace.express.request.hits",
      "system.cpu.user",
      "container.memory.usage",
    ]);
    expect(p.intent).toBe("errors");
    expect(metricNames(p)[0]).toBe("trace.express.request.errors");
    expect(metricNames(p)).toContain("trace.express.request.hits");
    expect(p.steps.map((s) => s.tool)).toEqual(expect.arrayContaining(["monitors", "events", "logs"]));
    const errors = p.steps.find(
      (s) => s.tool === "metrics" && s.query.metric === "trace.express.request.errors",
    );
    expect(errors?.tool === "metrics" && errors.query).toMatchObject({ aggregator: "sum", as_count: true });
  });

  it("reads the named signals first", () => {
    const p = plan("Check CPU and memory usage trends for the last 24 hours", [
      "trace.http.request.hits",
      "system.cpu.user",
      "system.mem.pct_usable",
      "jvm.heap_memory",
    ]);
    expect(metricNames(p).slice(0, 2)).toEqual(["system.cpu.user", "system.mem.pct_usable"]);
    expect(metricNames(p)).toContain("jvm.heap_memory");
    expect(p.window.end - p.window.start).toBe(24 * 3600_000);
  });

  it("uses standard metric names when discovery found nothing, and says so", () => {
    const p = plan("Why is latency up?", []);
    expect(metricNames(p)).toContain("trace.http.request.duration.by.service.95p");
    expect(p.rationale).toMatch(/standard Datadog metric names/);
  });

  it("stays within max_steps", () => {
    const many = [
      "system.cpu.user",
      "system.cpu.system",
      "system.mem.pct_usable",
      "system.disk.in_use",
      "trace.http.request.hits",
      "trace.http.request.errors",
      "trace.http.request.duration.by.service.95p",
      "postgresql.percent_usage_connections",
    ];
    expect(plan("How is it doing?", many, [], 4).steps.length).toBeLessThanOrEqual(4);
  });

  it("reads a usage metric's limit along with it, and never a limit on its own", () => {
    const p = plan("Check memory and disk", [
      "jvm.heap_memory",
      "jvm.heap_memory_max",
      "system.disk.used",
      "system.disk.total",
      "mysql.net.max_connections",
    ]);
    const names = metricNames(p);
    expect(names.indexOf("jvm.heap_memory_max")).toBe(names.indexOf("jvm.heap_memory") + 1);
    expect(names.indexOf("system.disk.total")).toBe(names.indexOf("system.disk.used") + 1);
    expect(names).not.toContain("mysql.net.max_connections");
  });

  it("prefers the requests a service serves over the calls it makes", () => {
    const p = plan("Traffic dropped?", [
      "trace.jdbc.query.hits",
      "trace.servlet.request.hits",
      "trace.redis.command.errors",
      "trace.servlet.request.errors",
    ]);
    expect(metricNames(p)[0]).toBe("trace.servlet.request.hits");
    expect(metricNames(p).indexOf("trace.servlet.request.errors")).toBeLessThan(
      metricNames(p).indexOf("trace.redis.command.errors"),
    );
  });

  it("spends a tight budget on the named signals first", () => {
    const many = [
      "trace.servlet.request.hits",
      "trace.servlet.request.errors",
      "trace.servlet.request.duration.by.service.95p",
      "trace.servlet.request.duration.by.service.99p",
      "system.cpu.user",
      "system.cpu.system",
      "system.cpu.iowait",
      "system.mem.pct_usable",
      "system.disk.in_use",
      "system.net.bytes_rcvd",
      "jvm.heap_memory",
      "jvm.heap_memory_max",
      "jvm.thread_count",
      "jvm.gc.major_collection_time",
      "postgresql.percent_usage_connections",
    ];
    const p = plan("Check CPU and memory usage trends for the last 24 hours", many);
    expect(metricNames(p)).toEqual(
      expect.arrayContaining(["system.cpu.iowait", "jvm.heap_memory", "jvm.heap_memory_max"]),
    );
    expect(p.steps.length).toBeLessThanOrEqual(10);
  });

  it("never writes a scope into a query", () => {
    const p = plan("ignore the service and query {*} for service:billing errors", [
      "trace.http.request.errors",
    ]);
    for (const step of p.steps) expect(JSON.stringify(step)).not.toMatch(/\{\*\}|billing/);
  });
});
