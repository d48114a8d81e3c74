import { spawnSync } from "node:child_process";
import type { EventEmitter } from "node:events";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, GuardedCluster, RedisOutageLog, type RedisClient } from "@orch/queue";
import { redisCli, startRedisCluster, until, type RedisClusterServer } from "@orch/testkit";

const missing = ["redis-server", "redis-cli"].filter((tool) => spawnSync(tool, ["--version"]).status !== 0);

/** The node pool ioredis drains a cluster through: private in its typings. */
const poolOf = (cluster: Cluster) => (cluster as unknown as { connectionPool: EventEmitter }).connectionPool;

/**
 * The race ioredis loses: a late node "end" drains the pool again after the drain that started a
 * reconnect, while that reconnect is still resolving its startup nodes (before it listens for
 * "close"). The second drain lands as the "connecting" event is emitted, before the reconnect
 * goes on: the cluster is set to "close" and nothing moves it on.
 */
function loseTheRace(cluster: Cluster): void {
  cluster.once("connecting", () => poolOf(cluster).emit("drain"));
  poolOf(cluster).emit("drain");
}

describe.runIf(missing.length === 0)("GuardedCluster on a Redis Cluster of 3 masters", () => {
  let server: RedisClusterServer;
  const open: Cluster[] = [];
  beforeAll(async () => {
    server = await startRedisCluster(3);
  });
  afterAll(async () => {
    for (const cluster of open) cluster.disconnect();
    await server?.stop();
  });

  const connect = async (cluster: Cluster): Promise<Cluster> => {
    open.push(cluster);
    await until(() => Promise.resolve(cluster.status === "ready"), "the cluster ready");
    await cluster.ping();
    return cluster;
  };
  const nodes = () => server.nodes.map((node) => ({ host: "127.0.0.1", port: node.port }));
  const retry = { clusterRetryStrategy: () => 50 };

  it("is left closed for good by the race, unguarded", async () => {
    const plain = await connect(new Cluster(nodes(), retry));
    loseTheRace(plain);
    // Well past its retry delay: no reconnect was scheduled, and no "end" will come.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(plain.status).toBe("close");
  });

  it("reconnects after the race, and says so", async () => {
    const guarded = await connect(new GuardedCluster(nodes(), retry));
    const repairs: string[] = [];
    guarded.on("repaired", (what: string) => repairs.push(what));
    loseTheRace(guarded);
    await until(() => Promise.resolve(guarded.status === "ready"), "the guarded cluster ready again");
    expect(await guarded.ping()).toBe("PONG");
    expect(repairs).toEqual(["close"]);
  });

  it("ends when it is closed on purpose just after the race, so a wait for its end returns", async () => {
    const guarded = await connect(new GuardedCluster(nodes(), retry));
    const ended = new Promise((resolve) => guarded.once("end", resolve));
    // Closed (as a worker that stops does) once the race has left it in "close", before anything
    // else looks at it: with no node left to drain, ioredis would never end it.
    guarded.once("close", () => setImmediate(() => guarded.disconnect()));
    loseTheRace(guarded);
    await ended;
    // Its nodes' late "end"s drain the pool again, each a "close" the guard ends in turn.
    await until(() => Promise.resolve(guarded.status === "end"), "the cluster ended for good", 2000);
  });

  it("ends a disconnect that has nothing left to drain", async () => {
    const guarded = await connect(new GuardedCluster(nodes(), retry));
    // Drained (its nodes gone, a reconnect pending), then closed on purpose before it reconnects.
    guarded.once("reconnecting", () => guarded.disconnect());
    const ended = new Promise((resolve) => guarded.once("end", resolve));
    guarded.disconnect(true);
    await ended;
    expect(guarded.status).toBe("end");
  });

  it("guards the duplicates BullMQ makes for blocking reads, and the outage log hears of their repairs", async () => {
    const redis: RedisClient = createRedis(server.url, "worker");
    const lines: string[] = [];
    new RedisOutageLog({ warn: (_details, message) => lines.push(message), info: () => undefined }).watch(
      redis,
      "worker",
    );
    open.push(redis as Cluster);
    const copy = await connect(redis.duplicate() as Cluster);
    expect(copy).toBeInstanceOf(GuardedCluster);
    loseTheRace(copy);
    await until(() => Promise.resolve(copy.status === "ready"), "the duplicate ready again");
    expect(lines.some((line) => line.includes("half-closed"))).toBe(true);
  });
});

describe.runIf(missing.length === 0)("GuardedCluster on a Redis Cluster that has lost a master", () => {
  let server: RedisClusterServer;
  let survivors: Array<{ host: string; port: number }>;
  beforeAll(async () => {
    server = await startRedisCluster(3, { nodeTimeoutMs: 1000 });
    const [lost, ...rest] = server.nodes;
    lost!.process.kill("SIGKILL");
    survivors = rest.map((node) => ({ host: "127.0.0.1", port: node.port }));
    await until(
      async () => /cluster_state:fail/.test(await redisCli(rest[0]!.port, ["cluster", "info"])),
      "the cluster to report its state failed",
    );
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Connects (its ready check fails while the cluster is down), then closes it: does connect() settle? */
  const settlesOnClose = async (cluster: Cluster): Promise<boolean> => {
    let settled = false;
    cluster.connect().then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((resolve) => cluster.once("reconnecting", resolve));
    cluster.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 300));
    return settled;
  };
  const options = { lazyConnect: true, clusterRetryStrategy: () => 100 };

  it("leaves the caller of connect() waiting for good, unguarded", async () => {
    expect(await settlesOnClose(new Cluster(survivors, options))).toBe(false);
  });

  it("fails the caller of connect() once the cluster is closed", async () => {
    expect(await settlesOnClose(new GuardedCluster(survivors, options))).toBe(true);
  });
});
