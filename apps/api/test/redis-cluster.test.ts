import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, readRedisMemory, waitForRedis, type RedisClient } from "@orch/queue";
import {
  redisCli,
  startFakeDatadog,
  startRedisCluster,
  type FakeDatadog,
  type RedisClusterServer,
} from "@orch/testkit";
import { startHarness, submitJob, waitForJob, type Harness } from "./support/orchestrator-harness.js";

import { pipelineSuite } from "./support/pipeline-suite.js";

const tools = ["redis-server", "redis-cli"].filter((tool) => spawnSync(tool, ["--version"]).status !== 0);
if (tools.length > 0) console.warn(`skipping the Redis Cluster tests: ${tools.join(" and ")} not on PATH`);
const withCluster = tools.length === 0;

describe.runIf(withCluster)("the orchestrator on a 3-master Redis Cluster", () => {
  pipelineSuite("the orchestration pipeline through HTTP", async () => {
    const cluster = await startRedisCluster(3);
    const harness = await startHarness({ redis: cluster });
    return {
      harness,
      close: async () => {
        await harness.close();
        await cluster.stop();
      },
    };
  });

  describe("with Datadog (fake) reads cached in the Cluster", () => {
    let cluster: RedisClusterServer;
    let datadog: FakeDatadog;
    let h: Harness<RedisClusterServer>;
    let client: RedisClient;
    beforeAll(async () => {
      cluster = await startRedisCluster(3);
      datadog = await startFakeDatadog();
      h = await startHarness({
        redis: cluster,
        env: {
          DATADOG_API_KEY: datadog.apiKey,
          DATADOG_APP_KEY: datadog.appKey,
          DATADOG_API_URL: datadog.url,
        },
      });
      client = createRedis(cluster.url, "worker");
      await waitForRedis(client, cluster.url);
    });
    afterAll(async () => {
      client?.disconnect();
      await h?.close();
      await datadog?.close();
      await cluster?.stop();
    });

    it("runs 12 concurrent jobs to their answers and lists them for their owner", async () => {
      const services = ["checkout", "payments", "web-app", "api-gateway"];
      const ids = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          submitJob(h, {
            service_id: services[i % services.length]!,
            user_message: `Why is it slow? (${i})`,
          }),
        ),
      );
      const views = await Promise.all(ids.map((id) => waitForJob(h, id, 90)));
      for (const view of views) {
        expect(view.status).toBe("completed");
        expect((view.result as { answer_markdown: string }).answer_markdown.length).toBeGreaterThan(20);
      }
      const listed = (await (await h.request("/jobs?limit=100")).json()) as {
        jobs: Array<{ job_id: string }>;
      };
      expect(listed.jobs.map((j) => j.job_id)).toEqual(expect.arrayContaining(ids));
    });

    it("answers a repeated question from the shared metrics cache", async () => {
      const question = { service_id: "inventory", user_message: "Is inventory healthy?" };
      await waitForJob(h, await submitJob(h, question), 90);
      const again = await submitJob(h, question);
      expect((await waitForJob(h, again, 90)).status).toBe("completed");
      const trace = (await (await h.request(`/jobs/${again}/trace`)).json()) as {
        usage: { cache_hits: number };
      };
      expect(trace.usage.cache_hits).toBeGreaterThan(0);
    });

    it("keeps BullMQ's keys under one hash tag and spreads the jobs' keys over the masters", async () => {
      const holders = async (pattern: string) => {
        const counts = await Promise.all(
          cluster.nodes.map(async (n) => (await redisCli(n.port, ["--scan", "--pattern", pattern])).trim()),
        );
        return counts.filter((out) => out.length > 0).length;
      };
      expect(await holders("{orch}:*")).toBe(1);
      expect(await holders("orch:job:*")).toBeGreaterThanOrEqual(2);
    });

    it("reads memory from the master nearest its maxmemory", async () => {
      const limited = cluster.nodes[1]!;
      await redisCli(limited.port, ["config", "set", "maxmemory", "512mb"]);
      try {
        const memory = await readRedisMemory(client);
        expect(memory.maxBytes).toBe(512 * 1024 * 1024);
        expect(memory.usedBytes).toBeGreaterThan(0);
      } finally {
        await redisCli(limited.port, ["config", "set", "maxmemory", "0"]);
      }
    });
  });
});
