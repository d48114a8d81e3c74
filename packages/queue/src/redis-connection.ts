import { Redis, type Cluster, type RedisOptions } from "ioredis";
import { parseRedisTarget, redactRedisUrl, type RedisTarget } from "@orch/config";
import { GuardedCluster } from "./guarded-cluster.js";
import { coalesceWrites } from "./write-coalescing.js";

/**
 * What a connection is for decides its options: BullMQ workers and blocking readers must retry
 * forever (`maxRetriesPerRequest: null`); the HTTP path fails fast instead of queueing commands
 * while Redis is away, so a request gets a clear 503 rather than hanging.
 *
 * No role auto-pipelines: ioredis copies every script defined on a connection (BullMQ alone
 * defines 60-odd) onto each auto-pipeline it opens, once a turn of the event loop, which cost more
 * CPU than the commands it batched (POST /jobs: about 110 µs a request). Commands a caller issues
 * in one turn still reach Redis in order, on the same socket; on the HTTP path they leave in one
 * write (`coalesceWrites`).
 */
export type RedisRole = "worker" | "http" | "subscriber";

/** Reports connection errors; called at most once per `quietMs` so an outage is one line, not thousands. */
export type RedisErrorReporter = (error: Error, role: RedisRole) => void;

/** A connection to one server (or a master found through Sentinel), or to a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** True for a Redis Cluster client. */
export function isCluster(redis: RedisClient): redis is Cluster {
  return redis.isCluster;
}

/**
 * Opens a connection for `role` to REDIS_URL: `redis://` / `rediss://` (one server),
 * `redis-sentinel://` (the master its Sentinels name, followed across failovers) or
 * `redis-cluster://` (an ioredis Cluster; the role's options apply to each node's connection).
 */
export function createRedis(
  url: string,
  role: RedisRole,
  extra: RedisOptions = {},
  onError?: RedisErrorReporter,
  quietMs = 10_000,
): RedisClient {
  const retry = (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2000);
  const base: RedisOptions = {
    lazyConnect: false,
    connectionName: `orch-${role}`,
    retryStrategy: retry,
  };
  const byRole: RedisOptions =
    role === "http"
      ? {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: true,
          connectTimeout: 5000,
          commandTimeout: 5000,
        }
      : { maxRetriesPerRequest: null, enableOfflineQueue: true };
  const options: RedisOptions = { ...base, ...byRole, ...extra };
  const target = parseRedisTarget(url);
  const redis = connect(target, options, retry);
  // The API's request path issues its commands in bursts; the workers' connections are left as they are.
  if (role === "http") {
    if (isCluster(redis)) redis.on("+node", coalesceWrites);
    else coalesceWrites(redis);
  }
  // Without a listener ioredis prints every reconnect failure to stderr; it reconnects by itself,
  // and failed commands surface as errors where they are used.
  let last = 0;
  redis.on("error", (error: Error) => {
    const now = Date.now();
    if (now - last < quietMs) return;
    last = now;
    onError?.(error, role);
  });
  return redis;
}

/** After a failover the old master may come back as a replica: reconnect (through Sentinel) and resend. */
const reconnectOnReadOnly = (error: Error) => (error.message.startsWith("READONLY") ? 2 : false);

function connect(target: RedisTarget, options: RedisOptions, retry: (times: number) => number): RedisClient {
  if (target.kind === "single") return new Redis(target.url, options);
  const credentials = {
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
  };
  if (target.kind === "sentinel") {
    return new Redis({
      ...options,
      ...credentials,
      sentinels: target.sentinels.map((node) => ({ ...node })),
      name: target.name,
      role: "master",
      ...(target.sentinelPassword !== undefined ? { sentinelPassword: target.sentinelPassword } : {}),
      ...(target.db !== undefined ? { db: target.db } : {}),
      sentinelRetryStrategy: retry,
      // Subscribes to the Sentinels' +switch-master, so a failover is followed at once.
      failoverDetector: true,
      reconnectOnError: reconnectOnReadOnly,
    });
  }
  const { retryStrategy: _, enableOfflineQueue, lazyConnect, enableAutoPipelining, ...nodeOptions } = options;
  return new GuardedCluster(
    target.nodes.map((node) => ({ ...node })),
    {
      redisOptions: { ...nodeOptions, ...credentials, reconnectOnError: reconnectOnReadOnly },
      clusterRetryStrategy: retry,
      ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
      ...(lazyConnect !== undefined ? { lazyConnect } : {}),
      ...(enableAutoPipelining !== undefined ? { enableAutoPipelining } : {}),
      // Writes and reads go to masters: replicas lag, and a job read right after its write must see it.
      scaleReads: "master",
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
    },
  );
}

/** Resolves once the connection is ready, or rejects with a message that says where Redis was expected. */
export async function waitForRedis(redis: RedisClient, url: string, timeoutMs = 10_000): Promise<void> {
  if (redis.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis at ${redactRedisUrl(url)} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off("ready", onReady);
    };
    redis.on("ready", onReady);
  });
}

export { redactRedisUrl };

/** A new connection like `redis` (for a subscriber or a blocking reader), with `options` on top. */
export function duplicateRedis(
  redis: RedisClient,
  options: Pick<RedisOptions, "enableOfflineQueue" | "connectionName"> = {},
): RedisClient {
  if (!isCluster(redis)) return redis.duplicate(options);
  const { enableOfflineQueue, ...nodeOptions } = options;
  return redis.duplicate([], {
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    redisOptions: { ...redis.options.redisOptions, ...nodeOptions },
  });
}
