import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startFakeDatadog,
  startRedisSentinel,
  until,
  type FakeDatadog,
  type RedisSentinelSetup,
} from "@orch/testkit";
import { startHarness, waitForJob, type Harness } from "./support/orchestrator-harness.js";

const tools = ["redis-server", "redis-cli"].filter((tool) => spawnSync(tool, ["--version"]).status !== 0);
if (tools.length > 0) console.warn(`skipping the Redis Sentinel tests: ${tools.join(" and ")} not on PATH`);

const services = ["checkout", "payments", "web-app", "api-gateway", "inventory"];

describe.runIf(tools.length === 0)(
  "the orchestrator on Redis Sentinel (a master, 2 replicas, 3 Sentinels)",
  () => {
    let setup: RedisSentinelSetup;
    let datadog: FakeDatadog;
    let h: Harness<RedisSentinelSetup>;
    beforeAll(async () => {
      setup = await startRedisSentinel({ replicas: 2, sentinels: 3, downAfterMs: 1000 });
      datadog = await startFakeDatadog();
      h = await startHarness({
        redis: setup,
        env: {
          DATADOG_API_KEY: datadog.apiKey,
          DATADOG_APP_KEY: datadog.appKey,
          DATADOG_API_URL: datadog.url,
        },
        // A job is answered only once a replica holds it, so the failover cannot take it away.
        config: { queue: { replica_acks: 1, replica_ack_timeout_ms: 2000 } },
      });
    });
    afterAll(async () => {
      await h?.close();
      await datadog?.close();
      await setup?.stop();
    });

    /** Statuses of the submissions that were not accepted. */
    const refusals: number[] = [];
    /** POSTs a job; its id if it was accepted (202), else undefined (refused or failed during the outage). */
    const submit = async (i: number): Promise<string | undefined> => {
      try {
        const res = await h.request("/jobs", {
          method: "POST",
          body: JSON.stringify({
            service_id: services[i % services.length]!,
            user_message: `Why is it slow? (${i})`,
          }),
        });
        if (res.status !== 202) {
          refusals.push(res.status);
          return undefined;
        }
        return ((await res.json()) as { job_id: string }).job_id;
      } catch {
        return undefined;
      }
    };

    it(
      "loses no accepted job when the master is killed mid-run and a replica takes over",
      { timeout: 120_000 },
      async () => {
        // Every metrics read takes a while, so jobs are in every phase when the master dies.
        datadog.inject({ kind: "slow", delay_ms: 150, path: "/api/v1/query", times: Infinity });
        const accepted: string[] = [];
        let refused = 0;
        const record = (id: string | undefined) => (id ? accepted.push(id) : (refused += 1));
        for (let i = 0; i < 15; i += 1) record(await submit(i));
        const before = accepted.length;
        expect(before).toBe(15);

        const oldMaster = await setup.masterPort();
        const master = setup.servers.find((s) => s.port === oldMaster)!;
        const killedAt = Date.now();
        master.process.kill("SIGKILL");
        // Submissions go on through the failover: some are refused (503), none accepted may be lost.
        let firstAcceptedAfterKill: number | undefined;
        let i = 15;
        const promoted = until(
          async () => (await setup.masterPort()) !== oldMaster,
          "a Sentinel to promote a replica",
          60_000,
        ).then(() => Date.now());
        while (accepted.length < before + 15 && Date.now() - killedAt < 60_000) {
          const id = await submit(i);
          i += 1;
          record(id);
          if (id && firstAcceptedAfterKill === undefined) firstAcceptedAfterKill = Date.now();
          if (!id) await new Promise((r) => setTimeout(r, 100));
        }
        const promotedAt = await promoted;

        const views = await Promise.all(accepted.map((id) => waitForJob(h, id, 90)));
        const ended = Date.now();
        // Jobs accepted before the kill that were still running when the master died.
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
          `Sentinel failover: ${accepted.length} jobs accepted (${before} before the kill, ${inFlightAtKill} of them ` +
            `still running at it), ${refused} refused during it; ` +
            `replica promoted ${promotedAt - killedAt} ms after the SIGKILL, first job accepted after it at ` +
            `${(firstAcceptedAfterKill ?? NaN) - killedAt} ms; those running at it all ended ${lastOfBefore} ms after it, the last job ${lastFinished} ms (seen by its client at ${ended - killedAt} ms); ` +
            `not completed: ${unfinished.length}`,
        );
        expect(unfinished.map((v) => [v.job_id, v.status, v.error])).toEqual([]);
        // The kill met work in progress, or the test proved nothing.
        expect(inFlightAtKill).toBeGreaterThan(0);
        expect(accepted.length).toBe(before + 15);
        // A failover is an outage to the client: 503 and retry, never a 500.
        expect(refusals.filter((status) => status !== 503)).toEqual([]);
        expect(await setup.masterPort()).not.toBe(oldMaster);
      },
    );
  },
);
