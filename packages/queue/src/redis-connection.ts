import { Redis, type RedisOptions } from "ioredis";

/**
 * What a connection is for decides its options: BullMQ workers and blocking readers must retry
 * forever (`maxRetriesPerRequest: null`); the HTTP path fails fast instead of queueing commands
 * while Redis is away, so a request gets a clear 503 rather than hanging.
 *
 * No role auto-pipelines: ioredis copies every script defined on a connection (BullMQ alone
 * defines 60-odd) onto each auto-pipeline it opens, once a turn of the event loop, which cost more
 * CPU than the commands it batched (POST /jobs: about 110 µs a request). Commands a caller issues
 * in one turn still reach Redis in order, on the same socket.
 */
export type RedisRole = "worker" | "http" | "subscriber";

/** Reports connection errors; called at most once per `quietMs` so an outage is one line, not thousands. */
export type RedisErrorReporter = (error: Error, role: RedisRole) => void;

export function createRedis(
  url: string,
  role: RedisRole,
  extra: RedisOptions = {},
  onError?: RedisErrorReporter,
  quietMs = 10_000,
): Redis {
  const base: RedisOptions = {
    lazyConnect: false,
    connectionName: `orch-${role}`,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
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
  const redis = new Redis(url, { ...base, ...byRole, ...extra });
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

/** Resolves once the connection is ready, or rejects with a message that says where Redis was expected. */
export async function waitForRedis(redis: Redis, url: string, timeoutMs = 10_000): Promise<void> {
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

/** A Redis URL without its password, for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(invalid url)";
  }
}
