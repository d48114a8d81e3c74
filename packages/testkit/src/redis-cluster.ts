import { startRedis, type RedisServer } from "./redis-server.js";
import { redisCli, until } from "./redis-cli.js";

/** A Redis Cluster of masters without replicas on loopback, for tests. */
export interface RedisClusterServer {
  /** `redis-cluster://127.0.0.1:p1,127.0.0.1:p2,…` */
  readonly url: string;
  readonly nodes: readonly RedisServer[];
  stop(): Promise<void>;
}

/**
 * Starts `masters` cluster-enabled redis-servers, joins them with `redis-cli --cluster create`
 * (slots split evenly, no replicas) and resolves once every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterServer> {
  const nodes: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < masters; i += 1) {
      nodes.push(
        await startRedis({
          args: [
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            "nodes.conf",
            "--cluster-node-timeout",
            "5000",
          ],
        }),
      );
    }
    await redisCli(nodes[0]!.port, [
      "--cluster",
      "create",
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      "--cluster-replicas",
      "0",
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
