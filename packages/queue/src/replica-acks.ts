import { isCluster, type RedisClient } from "./redis-connection.js";

export interface ReplicaAcksOptions {
  /** Replicas that must hold a job's writes before it is accepted (queue.replica_acks); 0 waits for none. */
  readonly replicas: number;
  /** How long to wait for them (queue.replica_ack_timeout_ms). */
  readonly timeoutMs: number;
  /**
   * Told when fewer replicas confirmed in time (the job is accepted all the same): at most once
   * per 10 s, with how many accepts fell short since the last report.
   */
  readonly onShortfall?: (shortfall: { acked: number; wanted: number; times: number }) => void;
}

/**
 * Makes an accepted job survive a failover: Redis replicates asynchronously, so a master that dies
 * right after answering may take the job's last writes with it. `WAIT` on the connection that
 * wrote them returns once that many replicas hold every write it sent, and the job is answered
 * only then. A replica that is down or slow costs the timeout and a warning, not the request.
 */
export class ReplicaAcks {
  private shortfalls = 0;
  private reportedAt = -Infinity;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: ReplicaAcksOptions,
  ) {}

  /** Waits until the configured replicas hold this connection's writes, or the timeout; returns how many did. */
  async confirm(): Promise<number> {
    const { replicas, timeoutMs, onShortfall } = this.options;
    if (replicas <= 0) return 0;
    // In a Cluster a job's writes land on several masters (its record's slot, the queues' slot,
    // its owner's): WAIT on each master's connection, which is the one those writes went through.
    const acked = isCluster(this.redis)
      ? Math.min(
          ...(await Promise.all(this.redis.nodes("master").map((node) => node.wait(replicas, timeoutMs)))),
        )
      : await this.redis.wait(replicas, timeoutMs);
    if (acked < replicas) {
      this.shortfalls += 1;
      const now = Date.now();
      if (now - this.reportedAt >= 10_000) {
        this.reportedAt = now;
        onShortfall?.({ acked, wanted: replicas, times: this.shortfalls });
        this.shortfalls = 0;
      }
    }
    return acked;
  }
}
