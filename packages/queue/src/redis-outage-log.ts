import type { RedisClient } from "./redis-connection.js";

/** The slice of a pino logger the outage log writes to. */
export interface OutageLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

const CONNECTION_ERROR =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN|Connection is closed|Stream isn't writeable|connect ETIMEDOUT|Reached the max retries per request limit/i;

/** Whether an error says the connection to Redis is down (rather than that a command failed). */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return CONNECTION_ERROR.test(`${code ?? ""} ${error.message}`);
}

/**
 * One process's view of its Redis connections: an outage is logged once when it starts (the
 * first error of any connection) and once when it ends (every watched connection ready again),
 * with the errors counted in between — not a line per error per connection per retry.
 */
export class RedisOutageLog {
  private readonly watched = new Set<RedisClient>();
  private outage?: { since: number; errors: number; repairs: number; sources: Set<string> };

  constructor(
    private readonly log: OutageLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts `redis`'s errors toward outages; its return to ready may end one. */
  watch(redis: RedisClient, role: string): void {
    this.watched.add(redis);
    redis.on("error", (error: Error) => this.error(error, role));
    redis.on("ready", () => this.ready());
    redis.once("end", () => this.watched.delete(redis));
    redis.on("repaired", (what: string) => this.repaired(what, role));
  }

  /**
   * A Redis Cluster connection (or a duplicate of it) that ioredis left half-closed and the guard
   * moved on (see GuardedCluster): counted during an outage (a failover brings a dozen or so), a
   * line of its own otherwise.
   */
  private repaired(what: string, source: string): void {
    if (this.outage) {
      this.outage.repairs += 1;
      return;
    }
    this.log.warn(
      { source, state: what },
      "a Redis Cluster connection was left half-closed by ioredis; the guard moved it on",
    );
  }

  /** An error from a connection or a client that uses one (a BullMQ worker). */
  error(error: Error, source: string): void {
    if (this.outage) {
      this.outage.errors += 1;
      this.outage.sources.add(source);
      return;
    }
    this.outage = { since: this.now(), errors: 1, repairs: 0, sources: new Set([source]) };
    this.log.warn(
      { err: error, source },
      "Redis connection lost; reconnecting (further errors are counted, not logged, until it is back)",
    );
  }

  private ready(): void {
    const outage = this.outage;
    if (!outage) return;
    if ([...this.watched].some((r) => r.status !== "ready")) return;
    this.outage = undefined;
    this.log.info(
      {
        errors: outage.errors,
        ...(outage.repairs > 0 ? { half_closed_repaired: outage.repairs } : {}),
        seconds: Math.round((this.now() - outage.since) / 100) / 10,
        sources: [...outage.sources],
      },
      "Redis connection back",
    );
  }
}
