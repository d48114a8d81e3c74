import type { ServerResponse } from "node:http";
import type { Logger } from "pino";
import { readJobEvents, toJobView, type JobEvents, type JobStore, type RedisClient } from "@orch/queue";

export interface JobEventStreamDeps {
  readonly store: JobStore;
  readonly events: JobEvents;
  /** The shared HTTP-path connection: every stream reads with plain XRANGE on it. */
  readonly redis: RedisClient;
  readonly heartbeatMs: number;
  readonly log: Logger;
}

/** Entries read per XRANGE. */
const BATCH = 200;
/** A client this far behind is dropped; it resumes from its Last-Event-ID when it reconnects. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** Formats one Server-Sent Event. */
export function sseEvent(id: string, event: string, data: string): string {
  return `id: ${id}\nevent: ${event}\n${data
    .split(/\r?\n/)
    .map((line) => `data: ${line}`)
    .join("\n")}\n\n`;
}

/**
 * Relays one job's event stream to one client as Server-Sent Events. The process-wide pub/sub
 * subscription says when the job has new entries; they are then read from the Redis stream
 * after the last id sent, so a client costs a listener and a timer, never a connection.
 */
export class JobEventStream {
  private last: string | undefined;
  private pumping = false;
  private again = false;
  private closed = false;
  private finish: () => void = () => undefined;

  constructor(
    private readonly deps: JobEventStreamDeps,
    private readonly res: ServerResponse,
    private readonly jobId: string,
    after: string | undefined,
  ) {
    this.last = after;
  }

  /** Streams until the job ends, the client goes, or `closing` fires. */
  async run(closing?: AbortSignal): Promise<void> {
    const { res } = this;
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    res.socket?.setNoDelay(true);
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    this.write("retry: 2000\n\n");
    const off = this.deps.events.on(this.jobId, () => this.pump());
    // The heartbeat also re-reads the stream, so a pub/sub message lost in a reconnect delays
    // an event by at most one interval.
    const heartbeat = setInterval(() => {
      this.write(": heartbeat\n\n");
      this.pump();
    }, this.deps.heartbeatMs);
    const onClose = () => this.close();
    res.once("close", onClose);
    closing?.addEventListener("abort", onClose, { once: true });
    this.pump();
    try {
      await done;
    } finally {
      clearInterval(heartbeat);
      off();
      res.off("close", onClose);
      closing?.removeEventListener("abort", onClose);
    }
  }

  private write(chunk: string): void {
    if (this.closed || this.res.writableEnded) return;
    this.res.write(chunk);
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.deps.log.warn({ jobId: this.jobId }, "event stream client too slow; closing it");
      this.close();
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.res.writableEnded) this.res.end();
    this.finish();
  }

  /** Reads and sends what is new; calls while a read is running coalesce into one more read. */
  private pump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void (async () => {
      try {
        do {
          this.again = false;
          await this.drain();
        } while (this.again && !this.closed);
      } catch (error) {
        // Redis is unreachable: end the stream; the client reconnects with its Last-Event-ID.
        this.deps.log.warn({ err: error, jobId: this.jobId }, "event stream read failed; closing it");
        this.close();
      } finally {
        this.pumping = false;
      }
    })();
  }

  private async drain(): Promise<void> {
    let sent = 0;
    for (;;) {
      const batch = await readJobEvents(this.deps.redis, this.jobId, this.last, BATCH);
      for (const entry of batch) {
        if (this.closed) return;
        if (entry.type === "end") return this.sendEnd(entry.id);
        this.write(sseEvent(entry.id, entry.type, entry.data));
        this.last = entry.id;
        sent += 1;
      }
      if (batch.length < BATCH) break;
    }
    if (sent > 0) return;
    // Nothing new and no end entry: if the record is gone (expired), end the stream rather
    // than wait forever.
    if ((await this.deps.store.status(this.jobId)) === undefined) this.close();
  }

  /** The final event: the job view, with its result or error. */
  private async sendEnd(id: string): Promise<void> {
    const job = await this.deps.store.get(this.jobId);
    if (job) this.write(sseEvent(id, "end", JSON.stringify(toJobView(job))));
    this.close();
  }
}
