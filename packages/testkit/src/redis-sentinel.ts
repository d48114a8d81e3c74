import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { launchRedis, startRedis, type RedisServer } from "./redis-server.js";
import { redisCli, until } from "./redis-cli.js";

/** A master, its replicas and a quorum of Sentinels watching them, on loopback, for tests. */
export interface RedisSentinelSetup {
  /** `redis-sentinel://127.0.0.1:s1,127.0.0.1:s2,…/<name>` */
  readonly url: string;
  /** The master's name in the Sentinels' configuration. */
  readonly name: string;
  /** The master and replicas, in start order (the first is the master at the start). */
  readonly servers: readonly RedisServer[];
  readonly sentinels: readonly RedisServer[];
  /** The port of the server the Sentinels currently name as master. */
  masterPort(): Promise<number>;
  stop(): Promise<void>;
}

export interface StartRedisSentinelOptions {
  readonly replicas?: number;
  readonly sentinels?: number;
  /** How long a master may be silent before a Sentinel thinks it is down (default 1000 ms). */
  readonly downAfterMs?: number;
  readonly name?: string;
}

/**
 * Starts a master, `replicas` replicas (default 1) following it and `sentinels` Sentinels (default
 * 3, quorum a majority); resolves once every Sentinel knows the replicas and the other Sentinels,
 * so a failover can happen.
 */
export async function startRedisSentinel(
  options: StartRedisSentinelOptions = {},
): Promise<RedisSentinelSetup> {
  const name = options.name ?? "mymaster";
  const replicaCount = options.replicas ?? 1;
  const sentinelCount = options.sentinels ?? 3;
  const quorum = Math.floor(sentinelCount / 2) + 1;
  const servers: RedisServer[] = [];
  const sentinels: RedisServer[] = [];
  const stop = async () => {
    await Promise.all([...sentinels, ...servers].map((s) => s.stop()));
  };
  try {
    const master = await startRedis();
    servers.push(master);
    for (let i = 0; i < replicaCount; i += 1) {
      servers.push(await startRedis({ args: ["--replicaof", "127.0.0.1", String(master.port)] }));
    }
    for (const replica of servers.slice(1)) {
      await until(
        async () => /master_link_status:up/.test(await redisCli(replica.port, ["info", "replication"])),
        `replica on port ${replica.port} in sync`,
      );
    }
    for (let i = 0; i < sentinelCount; i += 1) {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), "orch-sentinel-"));
      const conf = join(dir, "sentinel.conf");
      writeFileSync(
        conf,
        [
          `port ${port}`,
          "bind 127.0.0.1",
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${master.port} ${quorum}`,
          `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1000}`,
          `sentinel failover-timeout ${name} 10000`,
          `sentinel parallel-syncs ${name} 1`,
          "",
        ].join("\n"),
      );
      sentinels.push(
        await launchRedis("redis-server", [conf, "--sentinel", "--loglevel", "warning"], port, dir),
      );
    }
    for (const sentinel of sentinels) {
      await until(async () => {
        const info = await redisCli(sentinel.port, ["sentinel", "master", name]);
        const field = (key: string) => Number(new RegExp(`^${key}\\n(\\d+)`, "m").exec(info)?.[1] ?? -1);
        return field("num-slaves") >= replicaCount && field("num-other-sentinels") >= sentinelCount - 1;
      }, `Sentinel on port ${sentinel.port} to know the replicas and the other Sentinels`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const masterPort = async () => {
    for (const sentinel of sentinels) {
      try {
        const reply = await redisCli(sentinel.port, ["sentinel", "get-master-addr-by-name", name], 2000);
        const port = Number(reply.trim().split("\n")[1]);
        if (port > 0) return port;
      } catch {
        // That Sentinel is down or busy: ask the next.
      }
    }
    throw new Error("no Sentinel named a master");
  };
  return {
    url: `redis-sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(",")}/${name}`,
    name,
    servers,
    sentinels,
    masterPort,
    stop,
  };
}
