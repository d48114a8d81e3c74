/** A host and port of a Sentinel or a Cluster node. */
export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

/**
 * Where Redis is, from REDIS_URL: one server (`redis://`, `rediss://`), a master found through
 * Sentinel (`redis-sentinel://`) or a Cluster (`redis-cluster://`).
 */
export type RedisTarget =
  | { readonly kind: "single"; readonly url: string }
  | {
      readonly kind: "sentinel";
      readonly sentinels: readonly RedisNode[];
      /** The master's name in `sentinel monitor <name> …`. */
      readonly name: string;
      readonly username?: string;
      readonly password?: string;
      /** The Sentinels' own password (`requirepass` in sentinel.conf), when they have one. */
      readonly sentinelPassword?: string;
      readonly db?: number;
    }
  | {
      readonly kind: "cluster";
      readonly nodes: readonly RedisNode[];
      readonly username?: string;
      readonly password?: string;
    };

/** What REDIS_URL may look like, for error messages. */
export const REDIS_URL_FORMS =
  "redis://[[user]:password@]host:port[/db], rediss://… (TLS), " +
  "redis-sentinel://[[user]:password@]host:port,host:port/<master name>[?db=N&sentinel_password=…], " +
  "or redis-cluster://[[user]:password@]host:port,host:port";

const MULTI_HOST =
  /^(redis-sentinel|redis-cluster):\/\/(?:([^@/?#]*)@)?([^/?#]+)(?:\/([^?#]*))?(?:\?([^#]*))?$/;
const NODE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/;

/** The problem with `url` as REDIS_URL, in words that say what to fix, or undefined if none. */
export function redisUrlProblem(url: string): string | undefined {
  try {
    parseRedisTarget(url);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function decode(part: string | undefined, what: string): string | undefined {
  if (part === undefined || part === "") return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    throw new Error(`the ${what} is not valid percent-encoding`);
  }
}

function parseNodes(list: string, scheme: string, defaultPort: number): RedisNode[] {
  return list.split(",").map((raw) => {
    const item = raw.trim();
    const match = NODE.exec(item) ?? NODE.exec(`${item}:${defaultPort}`);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      throw new Error(`"${item}" in ${scheme}:// is not host:port (list nodes as host:port,host:port)`);
    }
    return { host: match[1]!.replace(/^\[|\]$/g, ""), port };
  });
}

/** Reads REDIS_URL; throws an Error whose message says what is wrong and which forms are accepted. */
export function parseRedisTarget(url: string): RedisTarget {
  const scheme = /^([a-z-]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "redis" || scheme === "rediss") {
    try {
      new URL(url);
    } catch {
      throw new Error(`not a valid URL; use ${REDIS_URL_FORMS}`);
    }
    return { kind: "single", url };
  }
  const match = MULTI_HOST.exec(url);
  if (!match) throw new Error(`unsupported form; use ${REDIS_URL_FORMS}`);
  const [, kind, auth, hosts, path, query] = match as unknown as [
    string,
    "redis-sentinel" | "redis-cluster",
    string | undefined,
    string,
    string | undefined,
    string | undefined,
  ];
  const colon = auth?.indexOf(":") ?? -1;
  const username = decode(colon >= 0 ? auth!.slice(0, colon) : auth, "user name");
  const password = decode(colon >= 0 ? auth!.slice(colon + 1) : undefined, "password");
  const credentials = {
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
  };
  const params = new URLSearchParams(query ?? "");
  if (kind === "redis-cluster") {
    if (path) throw new Error("redis-cluster:// takes no path (a Cluster has no databases but 0)");
    if (query) throw new Error("redis-cluster:// takes no query parameters");
    return { kind: "cluster", nodes: parseNodes(hosts, kind, 6379), ...credentials };
  }
  const name = decode(path, "master name");
  if (!name) {
    throw new Error(
      "redis-sentinel:// needs the master's name as its path, e.g. redis-sentinel://host:26379/mymaster",
    );
  }
  for (const key of params.keys()) {
    if (key !== "db" && key !== "sentinel_password") {
      throw new Error(`redis-sentinel:// does not know the parameter "${key}" (db, sentinel_password)`);
    }
  }
  const db = params.get("db");
  if (db !== null && !/^\d{1,2}$/.test(db)) throw new Error(`db=${db} is not a database number`);
  const sentinelPassword = params.get("sentinel_password") ?? undefined;
  return {
    kind: "sentinel",
    sentinels: parseNodes(hosts, kind, 26379),
    name,
    ...credentials,
    ...(sentinelPassword ? { sentinelPassword } : {}),
    ...(db !== null ? { db: Number(db) } : {}),
  };
}

/** REDIS_URL without its passwords, for logs and errors. */
export function redactRedisUrl(url: string): string {
  const scheme = /^([a-z-]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "redis" || scheme === "rediss") {
    try {
      const parsed = new URL(url);
      if (parsed.password) parsed.password = "***";
      return parsed.toString();
    } catch {
      return "(invalid url)";
    }
  }
  if (!MULTI_HOST.test(url)) return "(invalid url)";
  return url
    .replace(/^([a-z-]+:\/\/[^:@/?#]*:)[^@/?#]*@/i, "$1***@")
    .replace(/([?&]sentinel_password=)[^&#]*/i, "$1***");
}
