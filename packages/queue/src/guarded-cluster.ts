import { Cluster, type ClusterNode, type ClusterOptions } from "ioredis";

/** The parts of ioredis' Cluster the guard reaches: private in its typings, stable in its code. */
interface ClusterInternals {
  status: string;
  reconnectTimeout: NodeJS.Timeout | null;
  setStatus(status: string): void;
  handleCloseEvent(reason?: Error): void;
}

/** What the guard finished: a "close" ioredis left, or a "disconnect" with nothing left to drain. */
export type ClusterRepair = "close" | "disconnect";

/** A caller of `connect()` still waiting. */
interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** Outside the instance: the constructor's own `connect()` runs before fields are set. */
const waiters = new WeakMap<Cluster, Set<Waiter>>();

function waitersOf(cluster: Cluster): Set<Waiter> {
  let set = waiters.get(cluster);
  if (!set) waiters.set(cluster, (set = new Set()));
  return set;
}

function settle(cluster: Cluster, waiter: Waiter, error?: unknown): void {
  if (!waitersOf(cluster).delete(waiter)) return;
  if (error === undefined) waiter.resolve();
  else waiter.reject(error);
}

function settleAll(cluster: Cluster, error?: unknown): void {
  for (const waiter of [...waitersOf(cluster)]) settle(cluster, waiter, error);
}

/** How long a cluster may sit in "close" before the guard takes it as missed. */
const CLOSE_GRACE_MS = 250;

/**
 * An ioredis Cluster that is never left half-closed, with no way back.
 *
 * ioredis moves a cluster to "close" whenever its node pool drains, and a one-shot listener that
 * `connect()` registers then moves it on: to "reconnecting", or to "end" when it was closed on
 * purpose. Node connections end asynchronously, so one disconnect can drain the pool more than
 * once; a drain that lands after that listener has fired leaves the cluster in "close" for good,
 * with no reconnect timer and no "end" event. A disconnect of a cluster whose pool is already
 * empty (it was reconnecting) never drains at all and stays "disconnecting".
 *
 * BullMQ's blocking connections hit both after a Redis Cluster failover: the worker waits forever
 * for "ready" before its next fetch (and stops taking jobs of its queue), or for "end" when it
 * closes. The guard finishes what the missed listener would have done, through ioredis' own
 * close handling: a cluster closed on purpose ends, any other reconnects.
 *
 * And a `connect()` whose attempt fails its ready check reconnects on its own but never settles
 * the promise it returned: BullMQ awaits that promise to bring a blocking reader back. Here it
 * settles when the cluster is ready, or fails when the cluster ends.
 *
 * Its duplicates (BullMQ duplicates a connection for each blocking reader) are guarded too. Each
 * repair emits `"repaired"` (with a `ClusterRepair`) on the cluster and on the one it was
 * duplicated from, so the owner of the first connection hears of them all.
 */
export class GuardedCluster extends Cluster {
  private closeCheck: NodeJS.Timeout | undefined;

  constructor(startupNodes: ClusterNode[], options: ClusterOptions = {}) {
    super(startupNodes, options);
    // Checked on arrival: events are emitted a tick after the status they name, which a new
    // connect() may already have replaced.
    this.on("ready", () => this.statusIs("ready") && settleAll(this));
    this.on("end", () => this.statusIs("end") && settleAll(this, new Error("Connection is closed.")));
    this.on("close", () => {
      clearTimeout(this.closeCheck);
      this.closeCheck = setTimeout(() => this.finishClose("close"), CLOSE_GRACE_MS);
      this.closeCheck.unref();
    });
  }

  override connect(): Promise<void> {
    const attempt = super.connect();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      waitersOf(this).add(waiter);
      attempt.then(
        () => settle(this, waiter),
        (error: unknown) => settle(this, waiter, error),
      );
    });
  }

  override disconnect(reconnect = false): void {
    super.disconnect(reconnect);
    const self = this as unknown as ClusterInternals;
    // Nothing left to drain and no retry pending: nothing would ever move it on.
    if (self.status === "disconnecting" && this.nodes("all").length === 0 && !self.reconnectTimeout) {
      self.setStatus("close");
      this.repair("disconnect");
    }
  }

  override duplicate(
    overrideStartupNodes: ClusterNode[] = [],
    overrideOptions: ClusterOptions = {},
  ): Cluster {
    const self = this as unknown as { startupNodes: ClusterNode[] };
    const copy = new GuardedCluster(
      overrideStartupNodes.length > 0 ? overrideStartupNodes : self.startupNodes.slice(0),
      { ...this.options, ...overrideOptions },
    );
    copy.on("repaired", (what: ClusterRepair) => this.emit("repaired", what));
    return copy;
  }

  private statusIs(status: string): boolean {
    return (this as unknown as ClusterInternals).status === status;
  }

  private finishClose(what: ClusterRepair): void {
    if (this.statusIs("close")) this.repair(what);
  }

  private repair(what: ClusterRepair): void {
    (this as unknown as ClusterInternals).handleCloseEvent();
    this.emit("repaired", what);
  }
}
