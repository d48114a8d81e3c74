import type { ApiClient } from "./api-client";
import { ApiProblem } from "./api-problem";
import { SseParser } from "@orch/sse";

export type StreamState = "connecting" | "open" | "reconnecting" | "closed";

/** An event of the stream with the id to resume after it (the last id the stream sent). */
export interface StreamEvent {
  readonly id: string;
  readonly event: string;
  readonly data: string;
}

export interface StreamHandlers {
  onEvent(event: StreamEvent): void;
  onState(state: StreamState): void;
  /** The stream cannot go on (the job is gone, the token refused); it is closed. */
  onProblem(problem: ApiProblem): void;
}

/** The longest wait between reconnects after repeated failures. */
const MAX_RETRY_MS = 15_000;

/**
 * GET /jobs/:id/events over fetch, because EventSource cannot send the Authorization header.
 * Like EventSource it reconnects with `Last-Event-ID` after a dropped connection (waiting the
 * server's `retry`), and stops at the `end` event or on 204 (nothing will follow the last id).
 * Started with the last id a previous page saw, it resumes where that page stopped.
 */
export class JobEventStream {
  private readonly abort = new AbortController();
  private lastId: string;
  private retryMs = 2000;
  private failures = 0;

  constructor(
    private readonly api: ApiClient,
    private readonly jobId: string,
    lastEventId: string | undefined,
    private readonly handlers: StreamHandlers,
  ) {
    this.lastId = lastEventId ?? "";
  }

  start(): void {
    void this.run();
  }

  close(): void {
    this.abort.abort();
  }

  private async run(): Promise<void> {
    this.handlers.onState("connecting");
    while (!this.abort.signal.aborted) {
      const ended = await this.connect().catch((error: unknown) => {
        if (error instanceof ApiProblem) {
          this.handlers.onProblem(error);
          return true;
        }
        return false;
      });
      if (ended || this.abort.signal.aborted) break;
      this.failures += 1;
      this.handlers.onState("reconnecting");
      const wait = Math.min(MAX_RETRY_MS, this.retryMs * 2 ** Math.max(0, this.failures - 1));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    this.handlers.onState("closed");
  }

  /** One connection; true when the stream is over for good. */
  private async connect(): Promise<boolean> {
    let res: Response;
    try {
      res = await fetch(`/jobs/${encodeURIComponent(this.jobId)}/events`, {
        headers: this.api.headers({
          Accept: "text/event-stream",
          ...(this.lastId ? { "Last-Event-ID": this.lastId } : {}),
        }),
        credentials: "omit",
        cache: "no-store",
        signal: this.abort.signal,
      });
    } catch {
      return this.abort.signal.aborted;
    }
    if (res.status === 204) return true;
    if (!res.ok) {
      const problem = this.api.unauthorized(await ApiProblem.fromResponse(res));
      // Server trouble and rate limits are worth another try; a missing job or refused token is not.
      if (res.status >= 500 || res.status === 429) return false;
      throw problem;
    }
    if (!res.body) return false;
    this.handlers.onState("open");
    this.failures = 0;
    const parser = new SseParser();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return false;
        for (const event of parser.push(value)) {
          // Each event's own id (a chunk can hold several); one without an id keeps the last.
          if (event.id !== undefined) this.lastId = event.id;
          this.handlers.onEvent({ id: this.lastId, event: event.event, data: event.data });
          if (event.event === "end") return true;
        }
        if (parser.retryMs !== undefined) this.retryMs = parser.retryMs;
      }
    } catch {
      return this.abort.signal.aborted;
    } finally {
      reader.cancel().catch(() => undefined);
    }
  }
}
