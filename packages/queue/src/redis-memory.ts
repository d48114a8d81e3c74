import { isCluster, type RedisClient } from "./redis-connection.js";

/** Memory of the Redis that is fullest: used bytes and `maxmemory` (0 when unlimited). */
export interface RedisMemory {
  readonly usedBytes: number;
  readonly maxBytes: number;
}

function parseMemory(info: string): RedisMemory {
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? 0);
  return { usedBytes: field("used_memory"), maxBytes: field("maxmemory") };
}

const ratio = (m: RedisMemory) => (m.maxBytes > 0 ? m.usedBytes / m.maxBytes : -1);

/**
 * INFO memory of the server, or in a Cluster of the master nearest its `maxmemory` (a full master
 * refuses the writes of its slots, whatever the others hold).
 */
export async function readRedisMemory(redis: RedisClient): Promise<RedisMemory> {
  if (!isCluster(redis)) return parseMemory(await redis.info("memory"));
  const masters = await Promise.all(
    redis.nodes("master").map(async (node) => parseMemory(await node.info("memory"))),
  );
  if (masters.length === 0) throw new Error("no Redis Cluster master is known yet");
  return masters.reduce((fullest, m) => (ratio(m) > ratio(fullest) ? m : fullest));
}
