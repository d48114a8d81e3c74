import type { Redis } from "ioredis";
import { isTerminal, type JobStatus } from "@orch/core";
import { globalKeys } from "./job-keys.js";

/** A job event as published on the channel (the full payload is in the job's stream). */
export interface JobEventNotice {
  readonly id: string;
  readonly type: string;
  readonly event_id: string;
  readonly status: JobStatus;
}

type Listener = (notice: JobEventNotice) => void;

/**
 * One pub/sub subscription per process, fanned out to in-process listeners by job id. A thousand
 * clients waiting on jobs share this one connection instead of holding one each.
 */
export class JobEvents {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly anyListeners = new Set<Listener>();
  private started: Promise<void> | undefined;

  constructor(private readonly subscriber: Redis) {}

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
    })();
    return this.started;
  }

  /** Calls `listener` for each event of job `id` until the returned function is called. */
  on(id: string, listener: Listener): () => void {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }

  /** Calls `listener` for every job event (cancellation watchers, metrics). */
  onAny(listener: Listener): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }

  /**
   * Resolves when job `id` reaches a terminal status or `timeoutMs` passes, whichever is first.
   * `check` reads the current status after subscribing, so an end that happened before the
   * wait began is not missed.
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
      const onAbort = () => finish("aborted");
      const off = this.on(id, (notice) => {
        if (isTerminal(notice.status)) finish("ended");
      });
      const timer = setTimeout(() => finish("timeout"), Math.max(0, timeoutMs));
      signal?.addEventListener("abort", onAbort, { once: true });
      check().then(
        (status) => {
          if (status === undefined || isTerminal(status)) finish("ended");
        },
        () => finish("ended"),
      );
    });
  }

  /** Listeners currently registered (for tests and metrics). */
  get listenerCount(): number {
    let n = this.anyListeners.size;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.anyListeners.clear();
    if (this.started) await this.subscriber.unsubscribe(globalKeys.eventsChannel).catch(() => undefined);
  }
}
