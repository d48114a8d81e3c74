import { isCluster, type RedisClient } from "./redis-connection.js";
import { isTerminal, type JobStatus } from "@orch/core";
import { globalKeys } from "./job-keys.js";

/** A job event as published on the channel (the full payload is in the job's stream). */
export interface JobEventNotice {
  readonly id: string;
  readonly type: string;
  readonly event_id: string;
  readonly status: JobStatus;
}

/**
 * Handed to a job's listeners after the subscription came back from a disconnection: notices
 * published meanwhile were lost, so whatever the listener waits for must be read again.
 */
export interface JobResyncNotice {
  readonly id: string;
  readonly type: "resync";
}

export type JobNotice = JobEventNotice | JobResyncNotice;

type Listener = (notice: JobNotice) => void;
type AnyListener = (notice: JobEventNotice) => void;

/**
 * One pub/sub subscription per process, fanned out to in-process listeners by job id. A thousand
 * clients waiting on jobs share this one connection instead of holding one each.
 *
 * Pub/sub delivers only to connected subscribers: when the connection drops, ioredis reconnects
 * and subscribes again, and everything published in between is gone. So after each reconnection
 * every job listener gets a `resync` notice (long-waits re-read the status, streams re-read their
 * events) and `onResync` listeners run (cancellation watchers re-check their jobs).
 */
export class JobEvents {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly anyListeners = new Set<AnyListener>();
  private readonly resyncListeners = new Set<() => void>();
  private started: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly subscriber: RedisClient) {}

  /** Subscribes once; safe to call many times. */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.subscriber.on("message", (channel: string, message: string) => {
        if (channel !== globalKeys.eventsChannel) return;
        let notice: JobEventNotice;
        try {
          notice = JSON.parse(message) as JobEventNotice;
        } catch {
          return;
        }
        for (const listener of this.listeners.get(notice.id) ?? []) listener(notice);
        for (const listener of this.anyListeners) listener(notice);
      });
      // Subscribing before the connection is ready races ioredis' ready check (an INFO command),
      // which Redis then refuses in subscriber mode.
      if (this.subscriber.status !== "ready") {
        await new Promise<void>((resolve) => this.subscriber.once("ready", () => resolve()));
      }
      await this.subscriber.subscribe(globalKeys.eventsChannel);
      this.subscriber.on("ready", () => void this.resync());
      // A Cluster moves its subscription to another node when a node leaves, without a `ready`:
      // a change of nodes is when notices may have been missed.
      if (isCluster(this.subscriber)) {
        this.subscriber.on("-node", () => void this.resync());
        this.subscriber.on("+node", () => void this.resync());
      }
    })();
    return this.started;
  }

  /**
   * After a reconnection: waits until the subscription is active again (so nothing published from
   * now on is missed), then tells every listener to catch up on what it may have missed.
   */
  private async resync(): Promise<void> {
    if (this.closed) return;
    try {
      // ioredis re-subscribes by itself; subscribing again is harmless and gives a reply to await.
      await this.subscriber.subscribe(globalKeys.eventsChannel);
    } catch {
      // The connection dropped again; its next `ready` resyncs.
      return;
    }
    for (const [id, set] of [...this.listeners]) {
      for (const listener of [...set]) listener({ id, type: "resync" });
    }
    for (const listener of [...this.resyncListeners]) listener();
  }

  /** Calls `listener` for each event of job `id` (and on resync) until the returned function is called. */
  on(id: string, listener: Listener): () => void {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(id) === set) this.listeners.delete(id);
    };
  }

  /** Calls `listener` for every job event (cancellation watchers, metrics). */
  onAny(listener: AnyListener): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  /** Calls `listener` after each reconnection of the subscription: events may have been missed. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /**
   * Resolves when job `id` reaches a terminal status or `timeoutMs` passes, whichever is first.
   * `check` reads the current status after subscribing, so an end that happened before the
   * wait began is not missed, and again after a reconnection, so one published while the
   * subscription was down is not missed either.
   */
  async waitForEnd(
    id: string,
    timeoutMs: number,
    check: () => Promise<JobStatus | undefined>,
    signal?: AbortSignal,
  ): Promise<"ended" | "timeout" | "aborted"> {
    if (signal?.aborted) return "aborted";
    await this.start();
    return new Promise((resolve) => {
      let done = false;
      const finish = (outcome: "ended" | "timeout" | "aborted") => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        off();
        signal?.removeEventListener("abort", onAbort);
        resolve(outcome);
      };
      const recheck = () =>
        check().then(
          (status) => {
            if (status === undefined || isTerminal(status)) finish("ended");
          },
          () => finish("ended"),
        );
      const onAbort = () => finish("aborted");
      const off = this.on(id, (notice) => {
        if (notice.type === "resync") void recheck();
        else if ("status" in notice && isTerminal(notice.status)) finish("ended");
      });
      const timer = setTimeout(() => finish("timeout"), Math.max(0, timeoutMs));
      signal?.addEventListener("abort", onAbort, { once: true });
      void recheck();
    });
  }

  /** Listeners currently registered (for tests and metrics). */
  get listenerCount(): number {
    let n = this.anyListeners.size;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.anyListeners.clear();
    this.resyncListeners.clear();
    if (this.started) await this.subscriber.unsubscribe(globalKeys.eventsChannel).catch(() => undefined);
  }
}
