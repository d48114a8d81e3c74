import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  redisCli,
  startFakeDatadog,
  startRedisCluster,
  until,
  type FakeDatadog,
  type RedisClusterServer,
} from "@orch/testkit";
import { startHarness, waitForJob, type Harness } from "./support/orchestrator-harness.js";

const tools = ["redis-server", "redis-cli"].filter((tool) => spawnSync(tool, ["--version"]).status !== 0);
if (tools.length > 0)
  console.warn(`skipping the Redis Cluster failover test: ${tools.join(" and ")} not on PATH`);

describe.runIf(tools.length === 0)("the orchestrator on a Redis Cluster of 3 masters", () => {
  describe("with a replica per master, when the master of the queues' slot is killed", () => {
    let cluster: RedisClusterServer;
    let datadog: FakeDatadog;
    let h: Harness<RedisClusterServer>;
    beforeAll(async () => {
      cluster = await startRedisCluster(3, { replicas: 1, nodeTimeoutMs: 2000 });
      datadog = await startFakeDatadog();
      h = await startHarness({
        redis: cluster,
        env: {
          DATADOG_API_KEY: datadog.apiKey,
          DATADOG_APP_KEY: datadog.appKey,
          DATADOG_API_URL: datadog.url,
        },
        // A job is answered only once every master's replica holds this process's writes.
        config: { queue: { replica_acks: 1, replica_ack_timeout_ms: 2000 } },
      });
    });
    afterAll(async () => {
      await h?.close();
      await datadog?.close();
      await cluster?.stop();
    });

    /** The port of the live master serving `slot`, as node `port` sees it. */
    const slotOwner = async (port: number, slot: number): Promise<number | undefined> => {
      for (const line of (await redisCli(port, ["cluster", "nodes"])).trim().split("\n")) {
        const [, address = "", flags = "", , , , , , ...ranges] = line.split(" ");
        if (!flags.includes("master") || flags.includes("fail")) continue;
        const owns = ranges.some((range) => {
          const [from, to = from] = range.split("-").map(Number);
          return from !== undefined && to !== undefined && slot >= from && slot <= to;
        });
        if (owns) return Number(/:(\d+)@/.exec(address)?.[1]);
      }
      return undefined;
    };

    /** Statuses of the submissions that were not accepted. */
    const refusals: number[] = [];
    const submit = async (i: number): Promise<string | undefined> => {
      try {
        const res = await h.request("/jobs", {
          method: "POST",
          body: JSON.stringify({ service_id: "checkout", user_message: `Why is checkout slow? (${i})` }),
        });
        if (res.status === 202) return ((await res.json()) as { job_id: string }).job_id;
        refusals.push(res.status);
        return undefined;
      } catch {
        return undefined;
      }
    };

    it("promotes its replica and loses no accepted job", { timeout: 120_000 }, async () => {
      datadog.inject({ kind: "slow", delay_ms: 150, path: "/api/v1/query", times: Infinity });
      const accepted: string[] = [];
      let refused = 0;
      for (let i = 0; i < 15; i += 1) {
        const id = await submit(i);
        if (id) accepted.push(id);
      }
      const before = accepted.length;
      expect(before).toBe(15);
      const slot = Number((await redisCli(cluster.nodes[0]!.port, ["cluster", "keyslot", "{orch}"])).trim());
      const owner = await slotOwner(cluster.nodes[0]!.port, slot);
      const victim = cluster.nodes.find((n) => n.port === owner)!;
      const witness = cluster.nodes.find((n) => n !== victim)!;
      const killedAt = Date.now();
      victim.process.kill("SIGKILL");
      const promoted = until(
        async () => {
          const now = await slotOwner(witness.port, slot);
          return now !== undefined && now !== owner;
        },
        "a replica to take over the queues' slot",
        60_000,
      ).then(() => Date.now());
      let i = 15;
      let firstAfter: number | undefined;
      while (accepted.length < before + 15 && Date.now() - killedAt < 60_000) {
        const id = await submit(i);
        i += 1;
        if (id) {
          accepted.push(id);
          firstAfter ??= Date.now();
        } else {
          refused += 1;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const promotedAt = await promoted;
      const views = await Promise.all(accepted.map((id) => waitForJob(h, id, 90)));
      const ended = Date.now();
      const inFlightAtKill = views
        .slice(0, before)
        .filter((v) => Date.parse(String(v.finished_at)) > killedAt).length;
      const endOf = (v: Record<string, unknown>) => Date.parse(String(v.finished_at)) - killedAt;
      const lastFinished = Math.max(...views.map(endOf));
      const lastOfBefore = Math.max(...views.slice(0, before).map(endOf));
      const unfinished = views.filter(
        (v) =>
          v.status !== "completed" ||
          !(v.result as { answer_markdown?: string } | undefined)?.answer_markdown,
      );
      console.info(
        `Cluster failover: ${accepted.length} jobs accepted (${before} before the kill, ${inFlightAtKill} of them ` +
          `still running at it), ${refused} refused during it; replica promoted ${promotedAt - killedAt} ms after ` +
          `the SIGKILL, first job accepted after it at ${(firstAfter ?? NaN) - killedAt} ms; those running at it all ended ` +
          `${lastOfBefore} ms after it, the last job ${lastFinished} ms (seen by its client at ${ended - killedAt} ms); ` +
          `not completed: ${unfinished.length}`,
      );
      expect(unfinished.map((v) => [v.job_id, v.status, v.error])).toEqual([]);
      expect(accepted.length).toBe(before + 15);
      expect(inFlightAtKill).toBeGreaterThan(0);
      // A failover is an outage to the client: 503 and retry, never a 500.
      expect(refusals.filter((status) => status !== 503)).toEqual([]);
    });
  });
});
