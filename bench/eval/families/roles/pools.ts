import { catalogRole, ownRole, type MetricRole } from "../metric-role.js";

/**
 * A bounded pool of connections, threads or workers. Quantities are counts of members;
 * `share` roles speak 0–1.
 */
export interface PoolRole {
  readonly name: string;
  /** How a user names it ("the db pool", "pgbouncer"). */
  readonly words: readonly string[];
  /** What an answer about it must name: the system, or the pool. */
  readonly mention: string;
  /** Members in use. */
  readonly used: MetricRole;
  /** The configured maximum, as a series of its own. */
  readonly limit?: MetricRole;
  /** Use as a share of the maximum. */
  readonly share?: MetricRole;
  /** Free members, falling to 0 when exhausted (instead of, or besides, `used` rising). */
  readonly available?: MetricRole;
  /** Clients waiting for a member: 0 until the pool is exhausted. */
  readonly waiting?: MetricRole;
  /** How big such pools are configured, [min, max]. */
  readonly size: readonly [number, number];
}

/** Pools as their integrations (and two common client libraries) report them. */
export const POOLS: readonly PoolRole[] = [
  {
    name: "postgres",
    words: ["postgres", "the database", "the db", "pg"],
    mention: "/connection|pool|max_connections/",
    used: catalogRole("postgresql.connections"),
    limit: catalogRole("postgresql.max_connections"),
    share: catalogRole("postgresql.percent_usage_connections"),
    waiting: catalogRole("postgresql.waiting_queries", { integer: true }),
    size: [100, 500],
  },
  {
    name: "mysql",
    words: ["mysql", "the database", "the db"],
    mention: "/connection|max_connections|threads/",
    used: catalogRole("mysql.performance.threads_connected"),
    limit: catalogRole("mysql.net.max_connections_available"),
    size: [150, 1000],
  },
  {
    name: "pgbouncer",
    words: ["pgbouncer", "the connection pooler", "the pool"],
    mention: "/pgbouncer|pool|waiting/",
    used: catalogRole("pgbouncer.pools.sv_active"),
    waiting: catalogRole("pgbouncer.pools.cl_waiting"),
    size: [20, 100],
  },
  {
    name: "mongodb",
    words: ["mongo", "mongodb", "the database"],
    mention: "/connection/",
    used: catalogRole("mongodb.connections.current"),
    available: catalogRole("mongodb.connections.available"),
    size: [200, 1000],
  },
  {
    name: "haproxy backend",
    words: ["haproxy", "the backend", "the lb"],
    mention: "/session|limit|queue/",
    used: catalogRole("haproxy.backend.session.current"),
    limit: catalogRole("haproxy.backend.session.limit"),
    share: catalogRole("haproxy.backend.session.pct"),
    waiting: catalogRole("haproxy.backend.queue.current"),
    size: [200, 2000],
  },
  {
    name: "tomcat threads",
    words: ["tomcat", "the thread pool", "the app server"],
    mention: "/thread/",
    used: catalogRole("tomcat.threads.busy"),
    limit: catalogRole("tomcat.threads.max"),
    size: [100, 400],
  },
  {
    name: "php-fpm",
    words: ["php-fpm", "fpm", "the php workers"],
    mention: "/process|worker|queue/",
    used: catalogRole("php_fpm.processes.active"),
    limit: catalogRole("php_fpm.processes.total"),
    waiting: catalogRole("php_fpm.listen_queue.size", { integer: true }),
    size: [20, 120],
  },
  {
    name: "hikaricp",
    words: ["the connection pool", "hikari", "the db pool"],
    mention: "/pool|connection/",
    used: ownRole("hikaricp.connections.active", "micrometer", { unit: "connection", metric_type: "gauge" }),
    limit: ownRole("hikaricp.connections.max", "micrometer", { unit: "connection", metric_type: "gauge" }),
    waiting: ownRole("hikaricp.connections.pending", "micrometer", {
      unit: "connection",
      metric_type: "gauge",
    }),
    size: [10, 60],
  },
  {
    name: "otel db client",
    words: ["the db client pool", "the connection pool"],
    mention: "/pool|connection/",
    used: ownRole("db.client.connection.count", "otel", { unit: "connection", metric_type: "gauge" }),
    limit: ownRole("db.client.connection.max", "otel", { unit: "connection", metric_type: "gauge" }),
    waiting: ownRole("db.client.connection.pending_requests", "otel", {
      unit: "request",
      metric_type: "gauge",
    }),
    size: [10, 100],
  },
];
