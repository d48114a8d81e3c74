import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, ReplicaAcks, waitForRedis, type RedisClient } from "@orch/queue";
import { redisCli, startRedis, until, type RedisServer } from "@orch/testkit";

describe("ReplicaAcks", () => {
  let master: RedisServer;
  let replica: RedisServer;
  let redis: RedisClient;
  beforeAll(async () => {
    master = await startRedis();
    replica = await startRedis({ args: ["--replicaof", "127.0.0.1", String(master.port)] });
    await until(
      async () => /master_link_status:up/.test(await redisCli(replica.port, ["info", "replication"])),
      "the replica in sync",
    );
    redis = createRedis(master.url, "http");
    await waitForRedis(redis, master.url);
  });
  afterAll(async () => {
    replica?.process.kill("SIGCONT");
    redis?.disconnect();
    await replica?.stop();
    await master?.stop();
  });

  it("returns once a replica holds the connection's writes", async () => {
    const acks = new ReplicaAcks(redis, { replicas: 1, timeoutMs: 5000 });
    await redis.set("job", "accepted");
    expect(await acks.confirm()).toBe(1);
    expect((await redisCli(replica.port, ["get", "job"])).trim()).toBe("accepted");
  });

  it("accepts after the timeout and reports the shortfall when no replica answers", async () => {
    const shortfalls: Array<{ acked: number; wanted: number; times: number }> = [];
    const acks = new ReplicaAcks(redis, {
      replicas: 1,
      timeoutMs: 300,
      onShortfall: (s) => shortfalls.push(s),
    });
    replica.process.kill("SIGSTOP");
    try {
      await redis.set("job", "while the replica is frozen");
      const started = Date.now();
      expect(await acks.confirm()).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      await redis.set("job", "again");
      expect(await acks.confirm()).toBe(0);
    } finally {
      replica.process.kill("SIGCONT");
    }
    // Reported once for the two accepts (at most one report per 10 s).
    expect(shortfalls).toEqual([{ acked: 0, wanted: 1, times: 1 }]);
  });

  it("waits for nothing when no replica is asked for", async () => {
    const acks = new ReplicaAcks(redis, { replicas: 0, timeoutMs: 5000 });
    expect(await acks.confirm()).toBe(0);
  });
});
