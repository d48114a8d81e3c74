import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  classifyMetric,
  demoScenarioFor,
  nextWholeMinute,
  parseScenario,
  scenarioMetricNames,
  serviceScope,
  ScopeViolation,
  type MetricQuery,
  type MonitorInfo,
} from "@orch/core";
import { startFakeDatadog, type FakeDatadog } from "@orch/testkit";
import { DatadogSource, DemoSource } from "@orch/datadog";

const ANCHOR = Date.UTC(2025, 0, 15, 12, 0, 0);
const window = (hours: number) => ({
  start: ANCHOR - hours * 3_600_000,
  end: ANCHOR,
  label: `last ${hours}h`,
});
const live = () => new AbortController().signal;

describe("DemoSource", () => {
  it("anchors on the next whole minute, so reads within one minute agree", async () => {
    let now = Date.UTC(2025, 0, 15, 11, 59, 5);
    const demo = new DemoSource({ now: () => now });
    const query: MetricQuery = { metric: "system.cpu.user", aggregator: "avg", by: [], as_count: false };
    const scope = serviceScope("web-app");

    const first = await demo.queryMetrics(query, scope, window(1), live());
    now += 40_000;
    const second = await demo.queryMetrics(query, scope, window(1), live());

    expect(nextWholeMinute(Date.UTC(2025, 0, 15, 11, 59, 5))).toBe(ANCHOR);
    expect(nextWholeMinute(ANCHOR)).toBe(ANCHOR);
    expect(second.value).toEqual(first.value);
    expect(first).toMatchObject({ upstream_calls: 0 });
    expect(first.cache).toBeUndefined();
  });

  it("shows the named incident of a demo service in the default window", async () => {
    const demo = new DemoSource({ anchor: () => ANCHOR });
    const errors: MetricQuery = {
      metric: "trace.http.request.errors",
      aggregator: "sum",
      by: [],
      as_count: true,
    };

    const read = await demo.queryMetrics(errors, serviceScope("api-gateway"), window(1), live());

    const values = read.value[0]!.points.map(([, v]) => v ?? 0);
    const before = values.slice(0, 60);
    const during = values.slice(-60);
    expect(Math.max(...before)).toBeLessThan(Math.min(...during));
    expect(read.value[0]).toMatchObject({
      kind: "errors",
      unit: "error",
      query: "sum:trace.http.request.errors{service:api-gateway}.as_count()",
    });
  });

  it("discovers the same metrics as the scenario reports", async () => {
    const demo = new DemoSource();

    const read = await demo.discoverMetrics(serviceScope("payments"), window(1), live());

    expect(read.value).toEqual(scenarioMetricNames(demoScenarioFor("payments")));
    expect(read.value).toContain("jvm.heap_memory");
  });

  it("honours the scope rules: a hostile filter, query or scope is refused", async () => {
    const demo = new DemoSource();
    const scope = serviceScope("api-gateway");
    const sneaky = {
      metric: "system.cpu.user{*}",
      aggregator: "avg",
      by: [],
      as_count: false,
    } as MetricQuery;

    await expect(demo.logs(scope, window(1), "service:billing", live())).rejects.toBeInstanceOf(
      ScopeViolation,
    );
    await expect(demo.logs(scope, window(1), "*", live())).rejects.toBeInstanceOf(ScopeViolation);
    await expect(demo.queryMetrics(sneaky, scope, window(1), live())).rejects.toBeInstanceOf(ScopeViolation);
    await expect(demo.monitors({ service_id: "api-gateway", tags: [] }, live())).rejects.toBeInstanceOf(
      ScopeViolation,
    );
  });

  it("serves a given scenario library", async () => {
    const demo = new DemoSource({ scenarios: () => demoScenarioFor("checkout"), anchor: () => ANCHOR });

    const read = await demo.events(serviceScope("anything"), window(1), live());

    expect(read.value.map((e) => [e.title, e.type])).toEqual([["Deployed checkout v5.2.0", "deploy"]]);
  });
});

describe("DemoSource reads a RATE metric as Datadog does", () => {
  it("multiplies by the interval for .as_count() and drops the per-second unit", async () => {
    const scenario = parseScenario({
      id: "rate",
      service: "rate",
      question: "?",
      window: "1h",
      series: [
        { metric: "web.hits", baseline: 2.5, noise: 0, unit: "hit", per_unit: "second", metric_type: "rate" },
      ],
    });
    const demo = new DemoSource({ scenarios: () => scenario, anchor: () => ANCHOR });
    const query: MetricQuery = { metric: "web.hits", aggregator: "sum", by: [], as_count: false };
    const scope = serviceScope("rate");

    const [rate] = (await demo.queryMetrics(query, scope, window(1), live())).value;
    const [counted] = (await demo.queryMetrics({ ...query, as_count: true }, scope, window(1), live())).value;

    const interval = (rate!.points[1]![0] - rate!.points[0]![0]) / 1000;
    expect(rate!.points[0]![1]).toBeCloseTo(2.5);
    expect(counted!.points[0]![1]).toBeCloseTo(2.5 * interval);
    expect(counted!.source_unit).toEqual({ name: "hit" });
  });
});

describe("DemoSource and the fake Datadog serve the same scenario data", () => {
  let fake: FakeDatadog;
  let datadog: DatadogSource;
  const demo = new DemoSource({ anchor: () => ANCHOR });

  beforeAll(async () => {
    fake = await startFakeDatadog({ anchor: () => ANCHOR });
    datadog = new DatadogSource({
      apiKey: fake.apiKey,
      appKey: fake.appKey,
      apiUrl: fake.url,
      maxRetries: 0,
    });
  });
  afterAll(() => fake.close());

  it.each(["api-gateway", "web-app", "payments", "database-cluster", "a-healthy-service"])(
    "agrees on every series value of %s over 1 h and 24 h",
    async (service) => {
      const scope = serviceScope(service);
      for (const metric of scenarioMetricNames(demoScenarioFor(service))) {
        const profile = classifyMetric(metric);
        const query: MetricQuery = {
          metric,
          aggregator: profile?.aggregator ?? "avg",
          by: [],
          as_count: profile?.asCount ?? false,
        };
        for (const hours of [1, 24]) {
          const fromDemo = await demo.queryMetrics(query, scope, window(hours), live());
          const fromFake = await datadog.queryMetrics(query, scope, window(hours), live());
          expect(fromFake.value).toEqual(fromDemo.value);
          expect(fromDemo.value[0]!.points.length).toBeGreaterThan(60);
        }
      }
    },
  );

  it("agrees on error log counts, monitors and events", async () => {
    const scope = serviceScope("api-gateway");

    const [demoLogs, fakeLogs] = await Promise.all([
      demo.logs(scope, window(6), "status:error", live()),
      datadog.logs(scope, window(6), "status:error", live()),
    ]);
    const [demoMonitors, fakeMonitors] = await Promise.all([
      demo.monitors(scope, live()),
      datadog.monitors(scope, live()),
    ]);
    const [demoEvents, fakeEvents] = await Promise.all([
      demo.events(scope, window(24), live()),
      datadog.events(scope, window(24), live()),
    ]);

    expect(fakeLogs.value.error_counts).toEqual(demoLogs.value.error_counts);
    expect(fakeLogs.value.total_errors).toBe(demoLogs.value.total_errors);
    expect(fakeLogs.value.top_messages.map((m) => m.message)).toEqual(
      demoLogs.value.top_messages.map((m) => m.message),
    );
    const monitorView = (m: MonitorInfo) => [m.name, m.state, m.type, m.last_triggered, m.state_since];
    expect(fakeMonitors.value.monitors.map(monitorView)).toEqual(
      demoMonitors.value.monitors.map(monitorView),
    );
    const eventView = (e: { title: string; time: number; type: string }) => [e.title, e.time, e.type];
    expect(fakeEvents.value.map(eventView)).toEqual(demoEvents.value.map(eventView));
  });
});
