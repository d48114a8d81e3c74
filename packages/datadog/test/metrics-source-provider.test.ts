import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { loadConfig, type ServiceConfig } from "@orch/config";
import { serviceScope, type MetricQuery } from "@orch/core";
import { startFakeDatadog, startRedis, type FakeDatadog, type RedisServer } from "@orch/testkit";
import { createMetricsSourceProvider, serviceScopeFor, type MetricsSourceProvider } from "@orch/datadog";

const ANCHOR = Date.UTC(2025, 0, 15, 12, 0, 0);
const HOUR = { start: ANCHOR - 3_600_000, end: ANCHOR, label: "last hour" };
const cpu: MetricQuery = { metric: "system.cpu.user", aggregator: "avg", by: [], as_count: false };
const live = () => new AbortController().signal;

describe("createMetricsSourceProvider", () => {
  let redisServer: RedisServer;
  let redis: Redis;
  let deployment: FakeDatadog;
  let teamOrg: FakeDatadog;
  let provider: MetricsSourceProvider | undefined;

  const configWith = (env: Record<string, string>, services: Record<string, ServiceConfig> = {}) =>
    loadConfig({ env, overrides: { services } });

  beforeAll(async () => {
    redisServer = await startRedis();
    redis = new Redis(redisServer.url);
    deployment = await startFakeDatadog({ anchor: () => ANCHOR });
    teamOrg = await startFakeDatadog({
      anchor: () => ANCHOR,
      apiKey: "team-api-key",
      appKey: "team-app-key",
    });
  });
  afterAll(async () => {
    await redis.quit();
    await deployment.close();
    await teamOrg.close();
    await redisServer.stop();
  });
  beforeEach(async () => {
    await redis.flushall();
    deployment.reset();
    teamOrg.reset();
  });
  afterEach(async () => {
    await provider?.close();
    provider = undefined;
  });

  it("serves demo data, cached, when no Datadog keys are configured", async () => {
    const config = configWith({});
    provider = createMetricsSourceProvider({
      config: { ...config.datadog, services: config.services },
      redis,
    });
    const source = provider.forService("web-app");

    const first = await source.queryMetrics(cpu, serviceScope("web-app"), HOUR, live());
    const second = await source.queryMetrics(cpu, serviceScope("web-app"), HOUR, live());

    expect(source.id).toBe("demo");
    expect([first.cache, second.cache]).toEqual(["miss", "hit"]);
    expect(first.upstream_calls + second.upstream_calls).toBe(0);
    expect(deployment.count()).toBe(0);
  });

  it("reads the deployment's Datadog, behind the cache, when keys are configured", async () => {
    const config = configWith({
      DATADOG_API_KEY: deployment.apiKey,
      DATADOG_APP_KEY: deployment.appKey,
      DATADOG_API_URL: deployment.url,
    });
    provider = createMetricsSourceProvider({
      config: { ...config.datadog, services: config.services },
      redis,
    });
    const source = provider.forService("api-gateway");

    const first = await source.queryMetrics(cpu, serviceScope("api-gateway"), HOUR, live());
    const second = await provider
      .forService("api-gateway")
      .queryMetrics(cpu, serviceScope("api-gateway"), HOUR, live());

    // Named without the URL, which may be internal: every tenant sees data_source.
    expect(source.id).toBe("datadog");
    expect([first.cache, second.cache]).toEqual(["miss", "hit"]);
    expect(deployment.count("/api/v1/query")).toBe(1);
  });

  it("sends a team with its own Datadog org to that org, and everyone else to the deployment's", async () => {
    const config = configWith(
      {
        DATADOG_API_KEY: deployment.apiKey,
        DATADOG_APP_KEY: deployment.appKey,
        DATADOG_API_URL: deployment.url,
      },
      {
        payments: {
          api_url: teamOrg.url,
          api_key: "team-api-key",
          app_key: "team-app-key",
          tags: ["service:payments", "team:money"],
        },
      },
    );
    provider = createMetricsSourceProvider({
      config: { ...config.datadog, services: config.services },
      redis,
    });

    const payments = await provider
      .forService("payments")
      .queryMetrics(cpu, serviceScopeFor("payments", config.services), HOUR, live());
    await provider
      .forService("web-app")
      .queryMetrics(cpu, serviceScopeFor("web-app", config.services), HOUR, live());

    expect(payments.value[0]?.query).toBe("avg:system.cpu.user{service:payments,team:money}");
    expect(teamOrg.requests.map((r) => r.query.query)).toEqual([
      "avg:system.cpu.user{service:payments,team:money}",
    ]);
    expect(deployment.requests.map((r) => r.query.query)).toEqual(["avg:system.cpu.user{service:web-app}"]);
  });

  it("serves demo data to services without keys while a team reads its own org", () => {
    const config = configWith(
      {},
      { payments: { api_url: teamOrg.url, api_key: "team-api-key", app_key: "team-app-key" } },
    );
    provider = createMetricsSourceProvider({
      config: { ...config.datadog, services: config.services },
      redis,
    });

    expect(provider.forService("web-app").id).toBe("demo");
    expect(provider.forService("payments").id).toBe("datadog");
  });

  it("names each organisation as configured: the deployment's, or a team's own", () => {
    const config = loadConfig({
      env: {
        DATADOG_API_KEY: deployment.apiKey,
        DATADOG_APP_KEY: deployment.appKey,
        DATADOG_API_URL: deployment.url,
      },
      overrides: {
        datadog: { org_name: "acme-prod" },
        services: {
          payments: {
            api_url: teamOrg.url,
            api_key: "team-api-key",
            app_key: "team-app-key",
            org_name: "money-team",
          },
          ledger: { api_url: teamOrg.url, api_key: "team-api-key", app_key: "team-app-key" },
        },
      },
    });
    provider = createMetricsSourceProvider({
      config: { ...config.datadog, services: config.services },
      redis,
    });

    expect(provider.forService("web-app").id).toBe("datadog:acme-prod");
    expect(provider.forService("payments").id).toBe("datadog:money-team");
    // A team's own organisation is not the deployment's: without a name of its own it is "datadog".
    expect(provider.forService("ledger").id).toBe("datadog");
  });
});

describe("serviceScopeFor", () => {
  it("scopes a service to service:<id> by default, and to its configured tags and env", () => {
    const services = { checkout: { tags: ["service:checkout-api", "team:shop"], env: "prod" } };

    expect(serviceScopeFor("web-app", services)).toEqual({
      service_id: "web-app",
      tags: ["service:web-app"],
    });
    expect(serviceScopeFor("checkout", services)).toEqual({
      service_id: "checkout",
      tags: ["service:checkout-api", "team:shop", "env:prod"],
      env: "prod",
    });
  });
});
