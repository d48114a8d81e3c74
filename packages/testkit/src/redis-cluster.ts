import { startRedis, type RedisServer } from "./redis-server.js";
import { redisCli, until } from "./redis-cli.js";

/** A Redis Cluster of masters without replicas on loopback, for tests. */
export interface RedisClusterServer {
  /** `redis-cluster://127.0.0.1:p1,127.0.0.1:p2,…` */
  readonly url: string;
  readonly nodes: readonly RedisServer[];
  stop(): Promise<void>;
}

export interface StartRedisClusterOptions {
  /** Replicas per master (default 0). */
  readonly replicas?: number;
  /** `cluster-node-timeout`: how long a master may be silent before its replica takes over (default 5000 ms). */
  readonly nodeTimeoutMs?: number;
}

/**
 * Starts `masters` × (1 + replicas) cluster-enabled redis-servers, joins them with `redis-cli
 * --cluster create` (slots split evenly) and resolves once every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(
  masters = 3,
  options: StartRedisClusterOptions = {},
): Promise<RedisClusterServer> {
  const replicas = options.replicas ?? 0;
  const nodes: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i += 1) {
      nodes.push(
        await startRedis({
          args: [
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            "nodes.conf",
            "--cluster-node-timeout",
            String(options.nodeTimeoutMs ?? 5000),
          ],
        }),
      );
    }
    await redisCli(nodes[0]!.port, [
      "--cluster",
      "create",
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      "--cluster-replicas",
      String(replicas),
      "--cluster-yes",
    ]);
    for (const node of nodes) {
      await until(
        async () => /cluster_state:ok/.test(await redisCli(node.port, ["cluster", "info"])),
        `cluster_state:ok on port ${node.port}`,
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `redis-cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(",")}`, nodes, stop };
}
