import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN, startHarness, submitJob, type Harness } from "../support/orchestrator-harness.js";
import { eventually } from "../support/worker-process.js";
import { openEventStream } from "./sse-reader.js";

const CLIENTS = 1000;
const JOBS = 20;

/** Connections the test's redis-server has open, by client name (CLIENT LIST), without the probe's own. */
async function connections(probe: Redis): Promise<Record<string, number>> {
  const list = (await probe.client("LIST")) as string;
  const byName: Record<string, number> = {};
  for (const line of list.trim().split("\n")) {
    const name = /\bname=(\S*)/.exec(line)?.[1] || "(unnamed)";
    if (name === "probe") continue;
    byName[name] = (byName[name] ?? 0) + 1;
  }
  return byName;
}
const total = (byName: Record<string, number>) => Object.values(byName).reduce((a, b) => a + b, 0);

describe.each(["long-waits (?wait)", "event streams"] as const)(
  "1,000 concurrent %s on one API process",
  (kind) => {
    let h: Harness;
    let probe: Redis;
    beforeAll(async () => {
      // A thousand requests in a few seconds from one token: lift the per-token rate limit.
      h = await startHarness({ workers: false, config: { api: { rate_limit_per_minute: 1_000_000 } } });
      probe = new Redis(h.redis.url, { connectionName: "probe" });
    });
    afterAll(async () => {
      probe?.disconnect();
      await h?.close();
    });

    it("all complete, sharing the API's Redis connections instead of opening one per client", async () => {
      const ids = await Promise.all(
        Array.from({ length: JOBS }, (_, i) =>
          submitJob(h, { service_id: "web-app", user_message: `How is web-app doing? (${kind} ${i})` }),
        ),
      );
      const before = await connections(probe);

      const statuses: Array<Promise<string>> = Array.from({ length: CLIENTS }, async (_, i) => {
        const id = ids[i % JOBS]!;
        if (kind === "long-waits (?wait)") {
          const res = await fetch(`${h.base}/jobs/${id}?wait=60`, {
            headers: { Authorization: `Bearer ${TOKEN}` },
          });
          return ((await res.json()) as { status: string }).status;
        }
        const stream = await openEventStream(`${h.base}/jobs/${id}/events`, {
          Authorization: `Bearer ${TOKEN}`,
        });
        await stream.ended;
        const end = stream.events[stream.events.length - 1];
        return end?.event === "end" ? (JSON.parse(end.data) as { status: string }).status : "no end event";
      });

      // Every client is now held by the API, each a listener on the one shared subscription.
      await eventually(
        () => h.api.events.listenerCount >= CLIENTS,
        60_000,
        `${CLIENTS} clients to be waiting`,
      );
      const during = await connections(probe);

      await h.startWorkers();
      const results = await Promise.all(statuses);
      expect(results.filter((s) => s === "completed").length).toBe(CLIENTS);
      await eventually(() => h.api.events.listenerCount === 0, 10_000, "listeners to be released");
      const after = await connections(probe);

      console.log(
        `[${kind}] Redis connections before=${total(before)} during=${total(during)} after=${total(after)}`,
        { before, during, after },
      );
      // The API holds the same connections with 1,000 clients waiting as with none.
      expect(total(during)).toBe(total(before));
      expect(total(during)).toBeLessThanOrEqual(5);
    }, 180_000);
  },
);
